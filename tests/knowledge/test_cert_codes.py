from knowledge.cert_codes import codes_by_variant, codes_named


def test_codes_are_named_as_whole_words_in_any_script() -> None:
    codes = ["CB", "CE", "UL", "ETL"]
    assert codes_named("CE证书是哪个机构发的？", codes) == ("CE",)
    assert codes_named("Is it UL/ETL listed?", codes) == ("ETL", "UL")
    assert codes_named("CEMENT plant, FULL load, CB2 breaker", codes) == ()


def test_every_other_spelling_of_a_mark_names_its_code() -> None:
    """Each alias of certifications.yaml that is not its code ("cULus", "C-Tick", "Intertek")
    names the code, in any case and inside a sentence; a word that only contains one does not."""
    from sales.normalizers._data import load_table  # the RFQ reader's table of marks
    from sales.normalizers._text import fold

    table = load_table("certifications.yaml")
    for key, entry in table.items():
        code = str(entry.get("code", key))
        for alias in entry["aliases"]:
            if fold(alias) in (fold(key), fold(code)):
                continue  # the code itself is read as written (codes_named)
            for written in (alias, alias.upper(), alias.lower()):
                assert code in codes_by_variant(f"Which products are {written}, please?"), alias
    assert codes_by_variant("how far can it reach? is the cable short?") == ()
    assert codes_by_variant("the RoHS report of the panel") == ()  # the code itself
