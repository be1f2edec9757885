"""Layout checks shared by the end-to-end tests."""

_WORDS_WIDER_THAN_CELLS = """sel => {
    const ctx = document.createElement('canvas').getContext('2d');
    const bad = [];
    document.querySelectorAll(sel).forEach(td => {
        if (!td.offsetParent) return;  // a hidden row
        const st = getComputedStyle(td);
        ctx.font = st.font;
        const inner = td.clientWidth - parseFloat(st.paddingLeft) - parseFloat(st.paddingRight);
        td.innerText.split(/\\s+/).filter(Boolean).forEach(w => {
            if (ctx.measureText(w).width > inner + 1) bad.push(w);
        });
    });
    return bad;
}"""


def words_wider_than_cells(page, selector: str) -> list[str]:
    """The words of the cells ``selector`` that do not fit their cell (broken mid-word)."""
    return page.evaluate(_WORDS_WIDER_THAN_CELLS, selector)
