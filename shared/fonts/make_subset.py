"""Writes the code points of GB2312 + ASCII + CJK/fullwidth punctuation, one U+XXXX per line."""
cps = set(range(0x20, 0x7F))
for hi in range(0xA1, 0xF8):
    for lo in range(0xA1, 0xFF):
        try:
            cps.update(ord(c) for c in bytes([hi, lo]).decode("gb2312"))
        except UnicodeDecodeError:
            pass
cps.update(range(0x3000, 0x3040))   # CJK symbols and punctuation
cps.update(range(0xFF00, 0xFFF0))   # full-width forms
cps.update(range(0x2000, 0x2070))   # general punctuation (— … “ ”)
cps.update([0xA0, 0xB7, 0xD7, 0xF7])
with open("unicodes.txt", "w") as f:
    for c in sorted(cps):
        f.write(f"U+{c:04X}\n")
print(len(cps))
