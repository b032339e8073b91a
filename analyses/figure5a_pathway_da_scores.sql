-- Figure 5A: metabolic pathway DA scores per calcification group (paper: vitamin/thiamine
-- metabolism up and lipid metabolism down in negative; lipid up and thiamine down in
-- probably benign; amino-acid/tryptophan metabolism up in high suspicion).
with da_scores as (
    select * from {{ ref('fct_pathway_da_scores') }}
)

select
    pathway_category,
    pathway_name,
    calcification_group,
    n_annotated,
    n_up,
    n_down,
    da_score
from da_scores
where da_score is not null
order by pathway_category asc, pathway_name asc, calcification_group asc
