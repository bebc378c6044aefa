"""Money: yuan amounts as Decimal with two places, Chinese uppercase (人民币大写), shares."""

from decimal import ROUND_DOWN, Decimal, InvalidOperation

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999999.99")  # what NUMERIC(14, 2) holds

DIGITS = "零壹贰叁肆伍陆柒捌玖"
SMALL_UNITS = ("", "拾", "佰", "仟")
GROUP_UNITS = ("", "万", "亿", "万亿")


class InvalidAmount(ValueError):
    pass


def to_amount(value):
    """A Decimal with exactly two places from str/int/Decimal; refuses floats and bad text."""
    if isinstance(value, float):
        raise TypeError("money is never a float")
    try:
        amount = Decimal(str(value).strip().replace(",", "").replace("，", ""))
    except InvalidOperation as exc:
        raise InvalidAmount("not a number") from exc
    if not amount.is_finite():
        raise InvalidAmount("not a number")
    # the size first: quantize fails on numbers longer than the decimal context's precision
    if abs(amount) > MAX_AMOUNT:
        raise InvalidAmount("too large")
    if amount != amount.quantize(CENT, rounding=ROUND_DOWN):
        raise InvalidAmount("more than two decimal places")
    return amount.quantize(CENT)


def format_yuan(amount):
    """¥1,234,567.89"""
    if amount is None:
        return ""
    amount = Decimal(amount).quantize(CENT)
    return f"-¥{-amount:,}" if amount < 0 else f"¥{amount:,}"


def _integer_uppercase(number):
    """Uppercase words for a non-negative integer of yuan, without the 元."""
    digits = str(number)
    words = []
    pending_zero = False
    group_has_digit = False
    for index, char in enumerate(digits):
        position = len(digits) - index - 1
        small, group = position % 4, position // 4
        if char == "0":
            pending_zero = bool(words)
        else:
            if pending_zero:
                words.append("零")
                pending_zero = False
            words.append(DIGITS[int(char)] + SMALL_UNITS[small])
            group_has_digit = True
        if small == 0 and group > 0 and group_has_digit:
            # a zero run that ends at a group boundary is not spoken (壹拾万柒仟)
            words.append(GROUP_UNITS[group])
            pending_zero = False
            group_has_digit = False
    return "".join(words)


def uppercase_yuan(value):
    """人民币大写 following the PBOC rules for 票据, e.g. 1409.50 → 人民币壹仟肆佰零玖元伍角."""
    amount = to_amount(value)
    if amount < 0:
        raise InvalidAmount("negative amounts have no uppercase form")
    yuan = int(amount)
    cents = int((amount - yuan) * 100)
    jiao, fen = divmod(cents, 10)
    text = "人民币"
    if yuan:
        text += _integer_uppercase(yuan) + "元"
    if not cents:
        return text + ("" if yuan else "零元") + "整"
    if yuan and (jiao == 0 or yuan % 10 == 0):
        text += "零"
    if jiao:
        text += DIGITS[jiao] + "角"
    if fen:
        text += DIGITS[fen] + "分"
    return text


def split_by_percentages(total, percentages):
    """Split total into shares by percentages; the rounding remainder goes to the last share."""
    total = to_amount(total)
    if sum(Decimal(p) for p in percentages) != 100:
        raise InvalidAmount("percentages must add up to 100")
    shares = [
        (total * Decimal(p) / 100).quantize(CENT, rounding=ROUND_DOWN) for p in percentages[:-1]
    ]
    shares.append(total - sum(shares, Decimal("0.00")))
    return shares
