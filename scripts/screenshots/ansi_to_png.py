"""Render a tmux `capture-pane -e -p` dump (text with SGR colour codes) to a PNG."""
import re
import sys

from PIL import Image, ImageDraw, ImageFont

FONT_DIR = "/usr/share/fonts/truetype/dejavu/"
BASE = [(0, 0, 0), (205, 49, 49), (13, 188, 121), (229, 229, 16), (36, 114, 200), (188, 63, 188), (17, 168, 205), (229, 229, 229)]
BRIGHT = [(102, 102, 102), (241, 76, 76), (35, 209, 139), (245, 245, 67), (59, 142, 234), (214, 112, 214), (41, 184, 219), (255, 255, 255)]
DEFAULT_FG, DEFAULT_BG = (220, 220, 220), (24, 24, 28)


def xterm(n):
    if n < 8:
        return BASE[n]
    if n < 16:
        return BRIGHT[n - 8]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return (steps[n // 36], steps[(n // 6) % 6], steps[n % 6])
    v = 8 + (n - 232) * 10
    return (v, v, v)


def parse(line):
    """Yields (char, fg, bg, bold) for one line."""
    fg, bg, bold, reverse = None, None, False, False
    pos = 0
    for m in re.finditer(r"\x1b\[([0-9;]*)m|([^\x1b])", line):
        if m.group(2) is not None:
            f, b = fg or DEFAULT_FG, bg or DEFAULT_BG
            if reverse:
                f, b = b, f
            yield m.group(2), f, b, bold
            continue
        codes = [int(c) if c else 0 for c in m.group(1).split(";")]
        i = 0
        while i < len(codes):
            c = codes[i]
            if c == 0:
                fg, bg, bold, reverse = None, None, False, False
            elif c == 1:
                bold = True
            elif c == 22:
                bold = False
            elif c == 7:
                reverse = True
            elif c == 27:
                reverse = False
            elif 30 <= c <= 37:
                fg = BASE[c - 30]
            elif 90 <= c <= 97:
                fg = BRIGHT[c - 90]
            elif c == 39:
                fg = None
            elif 40 <= c <= 47:
                bg = BASE[c - 40]
            elif 100 <= c <= 107:
                bg = BRIGHT[c - 100]
            elif c == 49:
                bg = None
            elif c in (38, 48) and i + 1 < len(codes):
                if codes[i + 1] == 5 and i + 2 < len(codes):
                    colour = xterm(codes[i + 2])
                    i += 2
                elif codes[i + 1] == 2 and i + 4 < len(codes):
                    colour = tuple(codes[i + 2:i + 5])
                    i += 4
                else:
                    colour = None
                if c == 38:
                    fg = colour
                else:
                    bg = colour
            i += 1


def main(src, dst, cols, rows):
    regular = ImageFont.truetype(FONT_DIR + "DejaVuSansMono.ttf", 15)
    bold_font = ImageFont.truetype(FONT_DIR + "DejaVuSansMono-Bold.ttf", 15)
    # The mono font has no Braille Patterns (the charts' lines); DejaVu Sans has them.
    braille = ImageFont.truetype(FONT_DIR + "DejaVuSans.ttf", 15)
    cw, ch = 9, 19
    img = Image.new("RGB", (cols * cw + 16, rows * ch + 16), DEFAULT_BG)
    draw = ImageDraw.Draw(img)
    with open(src, encoding="utf-8", errors="replace") as f:
        lines = f.read().split("\n")[:rows]
    for y, line in enumerate(lines):
        for x, (char, fg, bg, bold) in enumerate(parse(line)):
            if x >= cols:
                break
            px, py = 8 + x * cw, 8 + y * ch
            draw.rectangle([px, py, px + cw, py + ch], fill=bg)
            if "\u2800" <= char <= "\u28ff":
                font = braille
            else:
                font = bold_font if bold else regular
            draw.text((px, py), char, font=font, fill=fg)
    img.save(dst)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
