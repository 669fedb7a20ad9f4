"""同花顺 hexin.exe (8.x and 9.x): orders through its flash-order dialog, balance and positions through the
sibling xiadan.exe it opens (F12). See docs/hexin.md."""
