"""Build hpcsim's Cython kernels (cython_kernels/*.pyx -> hpcsim.kernels.*).

HPCSIM_CFLAGS overrides the optimisation flags (default -O3).
"""

import glob
import os

import numpy
from Cython.Build import cythonize
from setuptools import Extension, setup

cflags = os.environ.get("HPCSIM_CFLAGS", "-O3").split()
extensions = [
    Extension(f"hpcsim.kernels.{os.path.splitext(os.path.basename(p))[0]}", [p],
              include_dirs=[numpy.get_include()], extra_compile_args=cflags,
              define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")])
    for p in sorted(glob.glob("cython_kernels/*.pyx"))
]

setup(ext_modules=cythonize(extensions, compiler_directives={"language_level": 3}))
