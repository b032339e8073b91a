-- Figure 3G: copy-number gain and loss rates of the cell-cycle regulators per group (paper:
-- positive regulators more often gained in high suspicion; CCND2 gain P = 0.023 over the
-- three groups). One row per gene, direction and main group with the exact Fisher p over
-- all main groups and of the group vs the rest.
with cell_cycle as (
    select * from {{ ref('rpt_cell_cycle_copy_number') }}
)

select
    regulation,
    gene_symbol,
    role,
    direction,
    group_key,
    group_label,
    group_order,
    n_altered,
    n_samples,
    fraction_altered,
    p_value_all_main_groups,
    p_value_group_vs_rest
from cell_cycle
order by regulation asc, gene_symbol asc, direction asc, group_order asc
