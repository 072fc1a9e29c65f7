"""Without PyICU (no libicu-dev on the machine) transliteration still works, via anyascii."""

import subprocess
import sys


def test_latin_forms_without_icu() -> None:
    code = (
        "import sys; sys.modules['icu'] = None\n"  # makes `import icu` raise ImportError
        "from scrutiny.text.translit import latin_forms\n"
        "print(latin_forms('Владимир Путин')[0]); print(latin_forms('김정은')[0])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out == ["Vladimir Putin", "Kim Jong Un"]
