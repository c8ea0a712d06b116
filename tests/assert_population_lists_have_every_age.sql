-- ref_population lists the residents of ages 0-105 for every year, residence unit and sex:
-- in int_population each of them has 106 ages, from 0 to 105 (with its unique key, every age
-- once). A shorter or longer list would shift or drop ages without failing a cast.
select
    year_jan1,
    municipality_code,
    district_code,
    sex,
    count(*) as n_ages,
    min(age) as min_age,
    max(age) as max_age
from {{ ref('int_population') }}
group by year_jan1, municipality_code, district_code, sex
having count(*) <> 106 or min(age) <> 0 or max(age) <> 105
