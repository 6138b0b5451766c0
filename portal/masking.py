"""Masking of personal data: every page, feed, export and log line masks through here."""

import re


def mask_name(name):
    """Return a person's name as 张** (surname kept, the rest starred)."""
    name = (name or "").strip()
    if not name:
        return ""
    return name[0] + "*" * max(len(name) - 1, 1)


def mask_phone(phone):
    """Return a phone number with its middle hidden: 138****5678, 0571-****4321."""
    phone = (phone or "").strip()
    digits = re.sub(r"\D", "", phone)
    if len(digits) < 7:
        return "*" * len(phone)
    return phone[:3] + "****" + phone[-4:]


def mask_id_number(number):
    """Return an ID number with only its first and last characters: 3301**********123X."""
    number = (number or "").strip()
    if len(number) <= 4:
        return "*" * len(number)
    keep_head = 4 if len(number) >= 15 else 1
    return number[:keep_head] + "*" * (len(number) - keep_head - 4) + number[-4:]


def mask_address(address):
    """Return an address cut after the district: 某市西湖区****."""
    address = (address or "").strip()
    match = re.match(r"^(.*?[市县区旗])", address)
    head = match.group(1) if match else address[:3]
    return head + "****" if address else ""


# Personal data written into free text: 18/15-digit ID numbers, mobile and landline numbers. The
# lookarounds keep longer digit runs (order numbers, parcel codes) intact.
ID_NUMBER_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
MOBILE_IN_TEXT = re.compile(r"(?<!\d)(1[3-9]\d{9})(?!\d)")
LANDLINE_IN_TEXT = re.compile(r"(?<!\d)(0\d{2,3}-?\d{7,8})(?!\d)")


def mask_personal_data_in_text(text, *, landlines=True):
    """Return text with ID numbers and phone numbers inside it masked (for public versions).

    landlines=False keeps fixed-line numbers, for an office's own text (a reply naming the
    department's published telephone).
    """
    text = ID_NUMBER_IN_TEXT.sub(lambda m: mask_id_number(m.group(1)), text or "")
    text = MOBILE_IN_TEXT.sub(lambda m: mask_phone(m.group(1)), text)
    if landlines:
        text = LANDLINE_IN_TEXT.sub(lambda m: mask_phone(m.group(1)), text)
    return text


def mask_names_in_text(text, names):
    """Return text with each of the given personal names masked as in a header: 杨建国 → 杨**.

    The names are those a case records about private persons (the sender of a message); longer
    names are replaced first, so that 欧阳明华 is not cut by 欧阳明. Names of one character are
    left alone: alone they identify nobody and would star every such character.
    """
    text = text or ""
    for name in sorted({(n or "").strip() for n in names}, key=len, reverse=True):
        if len(name) >= 2:
            text = text.replace(name, mask_name(name))
    return text


# Surnames for spotting a personal name next to a form of address (王建国同志, 李女士您好): the
# common single surnames of the 百家姓 and the compound ones still in use.
COMPOUND_SURNAMES = {
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒",
    "夏侯", "令狐", "端木", "澹台", "呼延", "南宫", "独孤", "万俟", "闻人", "轩辕", "西门", "钟离",
    "申屠", "太史",
}  # fmt: skip
SINGLE_SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜"
    "叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎"
    "贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申"
    "欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴"
    "蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席"
    "卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟"
    "邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强"
    "帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍"
    "辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉"
    "冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由"
)
# Characters that start or sit inside a phrase but hardly ever inside a name before a form of
# address (“向王先生”, “和李女士”, “的张同志”): a candidate name may not hold them.
NOT_IN_NAME = set(
    "的了是在对向和与及或给请位名该这那各您我你他她们某之其此有为被把将到于同网市由经据就让叫致"
)
FORMS_OF_ADDRESS = re.compile(r"同志|先生|女士|(?:[，,：:！!\s]*您好)")
HAN = re.compile(r"[\u4e00-\u9fff]")


def _name_before(text, end):
    """Return the personal name ending at end (before a form of address), or ""."""
    for length in (4, 3, 2, 1):
        start = end - length
        if start < 0:
            continue
        candidate = text[start:end]
        if length == 4 and candidate[:2] not in COMPOUND_SURNAMES:
            continue
        if not all(HAN.fullmatch(char) for char in candidate):
            continue
        if any(char in NOT_IN_NAME for char in candidate):
            continue
        if candidate[:2] in COMPOUND_SURNAMES or candidate[0] in SINGLE_SURNAMES:
            return candidate
    return ""


def names_by_forms_of_address(text):
    """Return the phrases where a personal name stands next to a form of address (王建国同志,
    李女士, 张明华您好), in order and without repeats, for a reviewer to check by eye.

    A heuristic, never applied blindly: 您好 counts only straight after a name (“王建国，您好”),
    and a bare 先生/女士/同志 or one after a masked name (杨**同志) is not reported.
    """
    found = []
    text = text or ""
    for match in FORMS_OF_ADDRESS.finditer(text):
        name = _name_before(text, match.start())
        if not name:
            continue
        title = match.group().strip("，,：:！! \n\t")
        phrase = name + (title if title != "您好" else "")
        if phrase not in found:
            found.append(phrase)
    return found
