-- Figure 5A: metabolic pathway DA scores of each main calcification group against the other
-- main groups (paper: vitamin/thiamine metabolism up and lipid metabolism down in negative;
-- lipid up and thiamine down in probably benign; amino-acid/tryptophan metabolism up in high
-- suspicion). Filters the default grouping's keys.
with da_scores as (
    select * from {{ ref('fct_pathway_da_scores') }}
)

select
    pathway_category,
    pathway_name,
    group_key,
    group_label,
    n_annotated,
    n_up,
    n_down,
    da_score
from da_scores
where
    da_score is not null
    and group_key in ('negative', 'probably_benign', 'high_suspicion')
order by pathway_category asc, pathway_name asc, group_order asc
