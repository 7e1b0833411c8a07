"""Reading a citation's location: which passages of the source it names."""

import pytest

from topics.provenance import PassageIndex, PassageRef, UnresolvedLocation

INDEX = PassageIndex(
    [
        PassageRef("h-policy-framework", "", "heading", "Policy framework"),
        PassageRef("para-13", "13", "paragraph", "Thirteen."),
        PassageRef("para-14", "14", "paragraph", "Fourteen."),
        PassageRef("para-15", "15", "paragraph", "Fifteen."),
        PassageRef("para-43-c", "43 (c)", "paragraph", "Forty-three c."),
        PassageRef("fn-5", "fn. 5", "footnote", "A note."),
        PassageRef("li-2", "", "list-item", "Argentina"),
        PassageRef("h-day-two", "", "heading", "Day two 17th May 2022"),
    ]
)


@pytest.mark.parametrize(
    ("location", "anchors"),
    [
        ("para. 13", ["para-13"]),
        ("Para. 13.", ["para-13"]),
        ("paragraph 14", ["para-14"]),
        ("paras. 13 and 43 (c)", ["para-13", "para-43-c"]),
        ("paras. 13, 14 and 15", ["para-13", "para-14", "para-15"]),
        ("paras. 13\u201315", ["para-13", "para-14", "para-15"]),  # an en dash
        ("fn. 5", ["fn-5"]),
        ("footnote 5", ["fn-5"]),
        ("Policy framework", ["h-policy-framework"]),
        ("  policy FRAMEWORK. ", ["h-policy-framework"]),
        ("#li-2", ["li-2"]),
        ("Day two 17th May 2022, 16:40\u201317:30, left column", ["h-day-two"]),
        ("Day two 17th May 2022 (parallel events table)", ["h-day-two"]),
        ("para. 13; Policy framework; para. 13", ["para-13", "h-policy-framework"]),
    ],
)
def test_a_location_names_its_passages(location, anchors):
    assert INDEX.anchors_for(location) == anchors


@pytest.mark.parametrize(
    ("location", "named"),
    [
        ("para. 99", "'para. 99' names no passage of the source (no #para-99)"),
        ("para. 13; Day two", "'Day two' names no passage"),
        ("#p-404", "(no #p-404)"),
        ("Resources", "'Resources' names no passage"),
        ("Day two 17th May 20222", "names no passage"),
    ],
)
def test_a_location_naming_no_passage_says_which_part(location, named):
    with pytest.raises(UnresolvedLocation) as error:
        INDEX.anchors_for(location)
    assert named in str(error.value)
