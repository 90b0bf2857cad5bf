// The shell's behaviour on every page (loaded by base.html).

// Tables on a phone: below 576 px each row stacks into a card (openprm.css) whose
// cells are labelled by their column's header. The labels come from the table's
// own <thead>, so every table gets them without repeating each header in its
// template; rows htmx swaps in later are labelled too.
function labelTableCells(root) {
  root.querySelectorAll("table.table").forEach((table) => {
    const head = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    if (!head) return;
    const labels = [];
    for (const cell of head.cells) {
      for (let span = 0; span < cell.colSpan; span += 1) labels.push(cell.textContent.trim());
    }
    const groups = [...table.tBodies, table.tFoot].filter(Boolean);
    for (const group of groups) {
      for (const row of group.rows) {
        let column = 0;
        for (const cell of row.cells) {
          const label = labels[column];
          if (label && cell.colSpan === 1 && !cell.hasAttribute("data-label")) {
            cell.dataset.label = label;
          }
          column += cell.colSpan;
        }
      }
    }
  });
}

document.addEventListener("DOMContentLoaded", () => labelTableCells(document));
document.addEventListener("htmx:load", () => labelTableCells(document));
