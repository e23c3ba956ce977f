from knowledge.cert_codes import codes_named


def test_codes_are_named_as_whole_words_in_any_script() -> None:
    codes = ["CB", "CE", "UL", "ETL"]
    assert codes_named("CE证书是哪个机构发的？", codes) == ("CE",)
    assert codes_named("Is it UL/ETL listed?", codes) == ("ETL", "UL")
    assert codes_named("CEMENT plant, FULL load, CB2 breaker", codes) == ()
