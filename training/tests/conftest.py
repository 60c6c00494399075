import sys
from pathlib import Path

# Make `import training` work however pytest is launched.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
