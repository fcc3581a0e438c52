from kgqa.kg.canonical import display_name, node_id


def test_determiners_case_whitespace_and_possessives_make_one_node() -> None:
    forms = [
        "the University of Paris",
        "University of Paris",
        "THE UNIVERSITY  OF PARIS",
        "University of Paris's",
        "  the university of\nParis. ",
    ]
    assert {node_id(f, "ORG") for f in forms} == {"university-of-paris:ORG"}


def test_type_is_part_of_the_id_and_names_keep_their_surface() -> None:
    assert node_id("Paris", "GPE") != node_id("Paris", "PERSON")
    assert display_name("the Radium Institute") == "Radium Institute"
    assert display_name("Curie's") == "Curie"


def test_non_ascii_names_get_stable_ids() -> None:
    assert node_id("Frédéric Chopin", "PERSON") == "frederic-chopin:PERSON"
    assert node_id("北京", "GPE") == node_id("北京", "GPE") == "北京:GPE"
