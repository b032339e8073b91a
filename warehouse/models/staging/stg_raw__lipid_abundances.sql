-- Wide lipid feature x sample matrix to one row per sample and feature.
with source as (
    select * from {{ source('raw', 'lipidomics') }}
),

unpivoted as (
    {{ unpivot_matrix('source', 'feature_id', 'abundance') }}
)

select * from unpivoted
