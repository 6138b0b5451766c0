"""查询码: random codes of a readable alphabet, stored as an HMAC per purpose."""

from portal import querycodes


def test_codes_are_readable_aloud_and_random():
    codes = {querycodes.new_query_code() for _ in range(50)}
    assert len(codes) == 50
    for code in codes:
        assert len(code) == querycodes.LENGTH
        assert not set(code) & set("01OI")


def test_a_code_opens_only_its_own_purpose():
    code = querycodes.new_query_code()
    stored = querycodes.hash_query_code(code, purpose="complaints.query_code")
    assert code not in stored
    assert querycodes.query_code_matches(
        stored, f" {code.lower()} ", purpose="complaints.query_code"
    )
    assert not querycodes.query_code_matches(stored, code, purpose="disclosure.query_code")
    assert not querycodes.query_code_matches(stored, "ABCDEFGH", purpose="complaints.query_code")
