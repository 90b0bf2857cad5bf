"""Says before the test run whether the browser tests will run (make test)."""

from openprm.testing.browser import chromium_path

if __name__ == "__main__":
    path = chromium_path()
    if path:
        print(f"Browser tests: running with {path}")
    else:
        print(
            "Browser tests: SKIPPED - no Chromium found "
            "(install Debian's 'chromium' package or set OPENPRM_CHROMIUM)"
        )
