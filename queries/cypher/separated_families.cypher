// Separated families (contract file separated_families.csv): families of two or more persons
// whose members are split across the border (LOCATION_SPLIT: members' latest known locations
// include both MEX and USA), across courts (COURT_SPLIT: members' PENDING cases sit in two or
// more courts) or in and out of MPP (MPP_SPLIT: a member has an MPP case and another has none).
// A person's location is the country_of_location of its latest record that has one; "latest"
// compares as_of (ISO text; a missing as_of is earliest), then the record key. Member facts
// are counted with size([x IN list WHERE …]) > 0 rather than any(), which is null (not false)
// when a property is missing.
//
// Parameters:
//   $mpp_split_none (string, default 'mpp_case'): what "has none" means for MPP_SPLIT:
//     'mpp_case' = no MPP case (the report's reading), 'any_case' = no case at all.
// Returns: family_id, codes, record_ids, person_ids (lists sorted), one row per flagged family.
MATCH (p:Person)-[:IN]->(f:Family)
WHERE f.size >= 2
OPTIONAL MATCH (r:Record)-[:SAME_AS]->(p)
WHERE r.country_of_location IS NOT NULL
WITH f, p, r
ORDER BY coalesce(r.as_of, '') DESC, r.key DESC
WITH f, p, collect(r.country_of_location) AS located
OPTIONAL MATCH (p)<-[:SAME_AS]-(:Record)<-[:RESPONDENT]-(c:Case)
WITH f, p, located, collect(c) AS cases
WITH f, collect({
       location: coalesce(located[0], 'unknown'),
       has_case: size(cases) > 0,
       has_mpp: size([c IN cases WHERE c.mpp = true]) > 0,
       pending_courts: [c IN cases WHERE c.status = 'PENDING' AND c.court IS NOT NULL | c.court]
     }) AS members
WITH f, members, reduce(acc = [], m IN members | acc + m.pending_courts) AS courts
WITH f,
     CASE WHEN any(a IN courts WHERE any(b IN courts WHERE b <> a))
          THEN ['COURT_SPLIT'] ELSE [] END
     + CASE WHEN any(m IN members WHERE m.location = 'MEX')
                 AND any(m IN members WHERE m.location = 'USA')
          THEN ['LOCATION_SPLIT'] ELSE [] END
     + CASE WHEN any(m IN members WHERE m.has_mpp)
                 AND any(m IN members WHERE
                         CASE $mpp_split_none WHEN 'any_case' THEN NOT m.has_case
                                              ELSE NOT m.has_mpp END)
          THEN ['MPP_SPLIT'] ELSE [] END AS codes
WHERE size(codes) > 0
MATCH (m:Person)-[:IN]->(f)
WITH f, codes, m
ORDER BY m.key
WITH f, codes, collect(m.key) AS person_ids
MATCH (r:Record)-[:SAME_AS]->(:Person)-[:IN]->(f)
WITH f, codes, person_ids, r.key AS record_id
ORDER BY record_id
WITH f, codes, person_ids, collect(record_id) AS record_ids
RETURN f.key AS family_id, codes, record_ids, person_ids
ORDER BY family_id
