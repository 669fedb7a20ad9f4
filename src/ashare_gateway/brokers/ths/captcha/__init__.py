"""The shipped captcha recogniser: :mod:`.segment` cuts the image into digits, :mod:`.classify` reads them."""

from .classify import MODEL_PATH, CaptchaReading, CaptchaRecognizer, digit_features, main_captcha
from .segment import DIGIT_SIZE, CaptchaUnreadable, ImageInput, load_gray, segment_captcha, to_digit_crop

__all__ = [
    "DIGIT_SIZE",
    "MODEL_PATH",
    "CaptchaReading",
    "CaptchaRecognizer",
    "CaptchaUnreadable",
    "ImageInput",
    "digit_features",
    "load_gray",
    "main_captcha",
    "segment_captcha",
    "to_digit_crop",
]
