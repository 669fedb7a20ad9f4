"""A Win32 stand-in for xiadan.exe (runs inside Windows Python under Wine); see app.py and docs/wine.md."""
