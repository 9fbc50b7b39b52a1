from bot.sms import cost, is_gsm7


def test_gsm7_single_and_concatenated() -> None:
    assert cost("a" * 160).parts == 1 and cost("a" * 160).encoding == "GSM-7"
    assert cost("a" * 161).parts == 2
    assert cost("a" * 306).parts == 2 and cost("a" * 307).parts == 3


def test_extension_characters_cost_two() -> None:
    assert cost("{" * 80).units == 160 and cost("{" * 80).parts == 1
    assert cost("{" * 81).parts == 2


def test_bangla_is_ucs2() -> None:
    assert not is_gsm7("টাকা")
    assert cost("ক" * 70).parts == 1
    assert cost("ক" * 71).parts == 2
    assert cost("ক" * 134).parts == 2 and cost("ক" * 135).parts == 3


def test_one_bangla_letter_makes_english_ucs2() -> None:
    assert cost("a" * 100 + "ক").encoding == "UCS-2"
    assert cost("a" * 100 + "ক").parts == 2


def test_curly_quotes_are_not_gsm7() -> None:
    assert not is_gsm7("don’t")
