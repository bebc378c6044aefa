"""Issued documents: signatures (PAdES, pyHanko), verification codes and the public check."""

import warnings

from cryptography.utils import CryptographyDeprecationWarning

# pyHanko imports cryptography's DSA key type, which cryptography now deprecates; Venture signs
# with RSA only, and the warning would otherwise open the output of every command
warnings.filterwarnings("ignore", "DSA is deprecated", CryptographyDeprecationWarning)
