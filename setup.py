"""Build hpcsim's Cython kernels (cython_kernels/*.pyx -> hpcsim.kernels.*).

HPCSIM_CFLAGS overrides the optimisation flags (default -O3).  Kernels listed in OPENMP_KERNELS
are built with OpenMP when the compiler supports it (probed by compiling a tiny program);
HPCSIM_OPENMP=0 builds them without (their results are the same: threads never share a sum).
"""

import glob
import os
import subprocess
import sys
import tempfile

import numpy
from Cython.Build import cythonize
from setuptools import Extension, setup

OPENMP_KERNELS = {"propagation"}


def openmp_flags() -> list[str]:
    """['-fopenmp'] if the C compiler builds and links an OpenMP program, else []."""
    if os.environ.get("HPCSIM_OPENMP", "1") == "0":
        return []
    cc = os.environ.get("CC", "cc")
    src = "#include <omp.h>\nint main(void){return omp_get_max_threads() > 0 ? 0 : 1;}\n"
    with tempfile.TemporaryDirectory() as tmp:
        c = os.path.join(tmp, "t.c")
        with open(c, "w") as fh:
            fh.write(src)
        try:
            ok = subprocess.run([cc, "-fopenmp", c, "-o", os.path.join(tmp, "t")],
                                capture_output=True, timeout=60).returncode == 0
        except (OSError, subprocess.SubprocessError):
            ok = False
    if not ok:
        sys.stderr.write("hpcsim: compiler without OpenMP; kernels run single-threaded\n")
    return ["-fopenmp"] if ok else []


cflags = os.environ.get("HPCSIM_CFLAGS", "-O3").split()
omp = openmp_flags()
extensions = []
for path in sorted(glob.glob("cython_kernels/*.pyx")):
    name = os.path.splitext(os.path.basename(path))[0]
    extra = omp if name in OPENMP_KERNELS else []
    extensions.append(Extension(
        f"hpcsim.kernels.{name}", [path], include_dirs=[numpy.get_include()],
        extra_compile_args=cflags + extra, extra_link_args=extra,
        define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")]))

setup(ext_modules=cythonize(extensions, compiler_directives={"language_level": 3}))
