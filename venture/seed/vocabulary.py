"""The names, word lists and placeholder file the demo and the bench generator draw from."""

from stdnum.cn import uscc

# every surname and given-name character; the demo draws from the first ones only
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉兰红梅建国志文海燕"
COMMUNITY_WORDS = [
    "安康", "和谐", "幸福", "明珠", "春华", "秋实", "锦绣", "翠园", "丽景", "东升",
    "向阳", "晨光", "长青", "福顺", "嘉和", "新兴", "兴旺", "瑞祥", "民安", "宏伟",
    "振兴", "永和", "松花", "北苑", "南岗", "西城", "东湖", "文化", "红星", "光明",
]  # fmt: skip
# (code, Chinese name, English name) of the service categories
CATEGORIES = [
    ("elderly", "养老", "Elderly care"),
    ("children", "为小", "Children"),
    ("disability", "助残", "Disability support"),
    ("self_governance", "自治互助", "Self-governance and mutual aid"),
    ("co_building", "共驻共建", "Co-building"),
    ("culture_sport", "文体娱乐", "Culture and sport"),
    ("mediation", "矛盾调解", "Mediation"),
    ("care", "人文关怀", "Care"),
    ("counselling", "心理疏导", "Counselling"),
]
# the characters a unified social credit code (统一社会信用代码) is written in
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# a one-page PDF standing in for an uploaded attachment or a stored confirmation
PLACEHOLDER_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def with_check_digit(body):
    """The 17 characters of a credit code and its check digit."""
    return body + uscc.calc_check_digit(body)


def score_text(value):
    """A score as typed on a sheet: 17.5, or 18 rather than 18.0."""
    return f"{value:.1f}".removesuffix(".0")
