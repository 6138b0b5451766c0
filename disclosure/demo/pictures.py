"""Pictures for the demo's news: flat drawings of the scene a news item names, made with Pillow.

Drawn at 640×400, the 8:5 of the homepage's 要闻 frame (`.headline-featured img` in site.css), so
the frame shows them whole. Seeded: the same item gets the same picture on every load.
"""

import io
import random

WIDTH, HEIGHT = 640, 400  # 8:5, the 要闻 frame
SKY = [(150, 200, 235), (170, 210, 240), (135, 190, 230)]
SKIN = (240, 200, 160)
CLOTHES = [(40, 80, 150), (200, 60, 50), (60, 120, 80), (90, 90, 100), (230, 150, 40)]


def person(draw, x, ground, rng, *, height=70, vest=False):
    """A standing figure whose feet are at (x, ground)."""
    head = height // 6
    body_top = ground - height + 2 * head
    colour = (240, 120, 30) if vest else rng.choice(CLOTHES)
    draw.rectangle([x - head // 2 - 2, ground - height // 2, x - 2, ground], fill=(50, 50, 60))
    draw.rectangle([x + 2, ground - height // 2, x + head // 2 + 2, ground], fill=(50, 50, 60))
    draw.rounded_rectangle([x - head, body_top, x + head, ground - height // 2 + 4], 4, fill=colour)
    draw.ellipse([x - head // 1.4, body_top - 2 * head, x + head // 1.4, body_top], fill=SKIN)
    draw.pieslice(
        [x - head // 1.4, body_top - 2 * head, x + head // 1.4, body_top - head // 2],
        180,
        360,
        fill=(40, 30, 30),
    )


def sky_and_sun(draw, rng, horizon):
    draw.rectangle([0, 0, WIDTH, horizon], fill=rng.choice(SKY))
    x = rng.randint(60, WIDTH - 60)
    draw.ellipse([x - 28, 30, x + 28, 86], fill=(255, 225, 120))
    for _ in range(rng.randint(1, 3)):
        cx, cy = rng.randint(40, WIDTH - 80), rng.randint(40, horizon // 2)
        for dx, r in ((0, 18), (20, 24), (44, 18)):
            draw.ellipse([cx + dx - r, cy - r, cx + dx + r, cy + r], fill=(250, 250, 252))


def fields(draw, rng, horizon):
    """Strips of crops running to the horizon."""
    greens = [(110, 170, 70), (140, 190, 80), (90, 150, 60), (200, 190, 90)]
    draw.rectangle([0, horizon, WIDTH, HEIGHT], fill=greens[0])
    band = horizon
    while band < HEIGHT:
        depth = 8 + (band - horizon) // 3
        draw.rectangle([0, band, WIDTH, band + depth], fill=rng.choice(greens))
        band += depth
    for x in range(-200, WIDTH + 200, 60):  # furrows converging on the horizon
        draw.line([(WIDTH // 2 + (x - WIDTH // 2) // 6, horizon), (x, HEIGHT)], fill=(80, 130, 50))


def surveyor(draw, rng, x, ground):
    """A surveyor in a vest behind a tripod with a total station."""
    person(draw, x, ground, rng, height=90, vest=True)
    tx = x + 38
    for dx in (-16, 0, 16):
        draw.line([(tx, ground - 60), (tx + dx, ground)], fill=(60, 60, 60), width=3)
    draw.rectangle([tx - 9, ground - 76, tx + 9, ground - 60], fill=(240, 200, 40))
    draw.rectangle([tx - 4, ground - 72, tx + 4, ground - 66], fill=(40, 40, 40))
    pole = x + 170 + rng.randint(0, 60)  # the prism pole further off
    draw.line([(pole, ground - 30 - 60), (pole, ground - 30)], fill=(220, 60, 60), width=3)
    draw.ellipse([pole - 5, ground - 98, pole + 5, ground - 88], fill=(220, 220, 230))


def draw_fields(draw, rng):
    horizon = 190
    sky_and_sun(draw, rng, horizon)
    for x in range(0, WIDTH, 90):  # a row of trees on the horizon
        draw.ellipse([x, horizon - 30, x + 50, horizon + 6], fill=(70, 130, 70))
    fields(draw, rng, horizon)
    surveyor(draw, rng, rng.randint(120, 260), 360)
    for _ in range(2):
        person(draw, rng.randint(420, 600), rng.randint(330, 370), rng)


def draw_survey(draw, rng):
    horizon = 210
    sky_and_sun(draw, rng, horizon)
    draw.polygon([(0, horizon), (180, 120), (360, horizon)], fill=(120, 160, 120))
    fields(draw, rng, horizon)
    surveyor(draw, rng, rng.randint(150, 300), 350)
    draw.rectangle([480, 280, 500, 340], fill=(240, 240, 240))  # a survey marker post
    draw.rectangle([480, 280, 500, 292], fill=(220, 60, 60))


def draw_mountain(draw, rng):
    horizon = 260
    draw.rectangle([0, 0, WIDTH, horizon], fill=(160, 175, 190))  # overcast
    for x in range(0, WIDTH, 14):  # rain
        y = rng.randint(0, 120)
        draw.line([(x, y), (x - 6, y + 18)], fill=(130, 145, 165), width=2)
    peaks = [(rng.randint(60, 200), 80), (rng.randint(300, 420), 60), (rng.randint(500, 600), 110)]
    for px, py in peaks:
        draw.polygon(
            [(px - 230, horizon + 40), (px, py), (px + 230, horizon + 40)], fill=(90, 120, 90)
        )
        draw.polygon([(px - 40, py + 40), (px, py), (px + 40, py + 40)], fill=(120, 140, 110))
    scar = peaks[1][0]  # a landslide scar down the middle slope
    draw.polygon(
        [(scar - 20, 130), (scar + 30, 130), (scar + 90, horizon + 40), (scar - 70, horizon + 40)],
        fill=(170, 130, 90),
    )
    draw.rectangle([0, horizon + 40, WIDTH, HEIGHT], fill=(100, 140, 80))
    draw.rectangle([0, 340, WIDTH, 372], fill=(110, 110, 115))  # the road below
    sign_x = rng.randint(420, 560)  # a warning sign
    draw.line([(sign_x, 330), (sign_x, 270)], fill=(80, 80, 80), width=4)
    draw.polygon([(sign_x - 30, 272), (sign_x, 220), (sign_x + 30, 272)], fill=(250, 200, 30))
    draw.rectangle([sign_x - 3, 236, sign_x + 3, 258], fill=(30, 30, 30))
    draw.rectangle([sign_x - 3, 262, sign_x + 3, 267], fill=(30, 30, 30))
    person(draw, rng.randint(120, 320), 338, rng, vest=True)


def building(draw, rng, left, right, top, ground):
    draw.rectangle([left, top, right, ground], fill=(225, 220, 210))
    draw.rectangle([left - 10, top - 16, right + 10, top], fill=(170, 60, 50))
    for y in range(top + 20, ground - 80, 42):
        for x in range(left + 20, right - 30, 46):
            draw.rectangle([x, y, x + 28, y + 26], fill=(120, 170, 210))
    middle = (left + right) // 2
    draw.rectangle([middle - 50, ground - 70, middle + 50, ground], fill=(90, 130, 170))
    draw.line([(middle, ground - 70), (middle, ground)], fill=(225, 220, 210), width=3)
    draw.line([(right - 30, top - 16), (right - 30, top - 90)], fill=(120, 120, 120), width=3)
    draw.rectangle([right - 30, top - 90, right + 10, top - 64], fill=(220, 40, 40))  # the flag


def draw_hall(draw, rng):
    ground = 340
    sky_and_sun(draw, rng, ground)
    building(draw, rng, 110, 530, 130, ground)
    for x in (60, 580):
        draw.ellipse([x - 30, ground - 90, x + 30, ground - 20], fill=(70, 130, 70))
        draw.rectangle([x - 5, ground - 25, x + 5, ground], fill=(110, 80, 50))
    draw.rectangle([0, ground, WIDTH, HEIGHT], fill=(200, 200, 195))
    for _ in range(rng.randint(4, 6)):
        person(draw, rng.randint(40, 600), rng.randint(360, 395), rng)


def draw_meeting(draw, rng):
    draw.rectangle([0, 0, WIDTH, HEIGHT], fill=(235, 228, 215))
    draw.rectangle([60, 30, 580, 90], fill=(190, 30, 30))  # the banner behind the podium
    draw.rectangle([60, 86, 580, 92], fill=(230, 190, 60))
    draw.rectangle([0, 250, WIDTH, HEIGHT], fill=(150, 110, 80))  # floor
    draw.rectangle([120, 150, 520, 190], fill=(120, 60, 40))  # the rostrum table
    draw.rectangle([120, 150, 520, 160], fill=(60, 120, 80))
    for x in range(170, 500, 70):  # the leaders at the rostrum
        draw.ellipse([x - 13, 112, x + 13, 140], fill=SKIN)
        draw.rounded_rectangle([x - 20, 138, x + 20, 160], 5, fill=(40, 45, 60))
        draw.ellipse([x - 6, 152, x + 6, 158], fill=(240, 240, 240))
    for row, y in enumerate((280, 330, 380)):  # the audience seen from behind
        for x in range(40 + row * 15, WIDTH, 60):
            draw.rounded_rectangle([x - 22, y - 8, x + 22, y + 30], 6, fill=rng.choice(CLOTHES))
            draw.ellipse([x - 13, y - 34, x + 13, y - 6], fill=(40, 30, 30))


def draw_booth(draw, rng):
    ground = 300
    sky_and_sun(draw, rng, ground)
    for x in range(20, WIDTH, 110):
        draw.ellipse([x, ground - 120, x + 70, ground - 40], fill=(70, 140, 80))
        draw.rectangle([x + 30, ground - 45, x + 40, ground], fill=(110, 80, 50))
    draw.rectangle([0, ground, WIDTH, HEIGHT], fill=(210, 205, 195))
    left = rng.randint(140, 220)  # the tent and its table of leaflets
    draw.polygon([(left - 20, 170), (left + 140, 130), (left + 300, 170)], fill=(200, 40, 40))
    draw.rectangle([left - 20, 170, left + 300, 184], fill=(220, 60, 60))
    for x in (left - 10, left + 290):
        draw.line([(x, 184), (x, 330)], fill=(120, 120, 120), width=4)
    draw.rectangle([left + 20, 290, left + 260, 330], fill=(30, 90, 170))
    for x in range(left + 40, left + 240, 40):
        draw.rectangle([x, 282, x + 24, 290], fill=(250, 250, 250))
    draw.rectangle([left + 330, 180, left + 400, 300], fill=(250, 250, 250))  # a display board
    draw.rectangle([left + 336, 190, left + 394, 220], fill=(200, 40, 40))
    for y in range(230, 292, 12):
        draw.line([(left + 340, y), (left + 390, y)], fill=(150, 150, 150), width=3)
    for x in range(left + 60, left + 240, 80):
        person(draw, x, 292, rng, height=60, vest=True)
    for _ in range(rng.randint(3, 5)):
        person(draw, rng.randint(40, 600), rng.randint(350, 395), rng)


SCENES = {
    "fields": draw_fields,
    "survey": draw_survey,
    "mountain": draw_mountain,
    "hall": draw_hall,
    "meeting": draw_meeting,
    "booth": draw_booth,
}


def draw_scene(scene, seed):
    """Return a PNG of scene (a key of SCENES), the same for the same seed."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    image = Image.new("RGB", (WIDTH, HEIGHT))
    SCENES[scene](ImageDraw.Draw(image), rng)
    out = io.BytesIO()
    image.save(out, format="PNG")  # flat colours: a few kilobytes as they are
    return out.getvalue()
