"""The 同花顺-family client automation shared by the xiadan and hexin flavours."""
