// Joint reprocessing (contract file joint_reprocessing.csv): families of two or more persons
// whose linked cases must be reprocessed together.
//   MEXICAN_MEMBER_FEAR  the family has an MPP case and a Mexican member claimed fear
//   NON_AMENABLE         an MPP case's respondent is Mexican or an unaccompanied child (UAC)
//   POSITIVE_FEAR        the family has an MPP case and a member has a POSITIVE fear assessment
//   RELIEF_SPLIT         a member's MPP case is RELIEF_GRANTED and another member has a case
//                        that is not (a case with no status counts as not granted)
//   WIND_DOWN_SPLIT      a member has a PENDING MPP case while another member has an
//                        IN_ABSENTIA or TERMINATED MPP case, or no case
// A person is Mexican if its nationality (most frequent of its records' nationalities, ties to
// the latest record) is MEX; a UAC / claimed fear / positive fear if any of its records says so.
// Member facts are counted with size([x IN list WHERE …]) > 0 rather than any(), which is null
// (not false) when a property is missing, so that every fact is true or false.
//
// Parameters: none.
// Returns: family_id, codes, case_ids, record_ids, person_ids (lists sorted), one row per
// flagged family.
MATCH (p:Person)-[:IN]->(f:Family)
WHERE f.size >= 2
MATCH (r:Record)-[:SAME_AS]->(p)
WITH f, p, r
ORDER BY coalesce(r.as_of, ''), r.key
WITH f, p, collect(r) AS records,
     collect(r.nationality) AS stated
WITH f, p, records,
     reduce(best = null, x IN stated |
       CASE WHEN best IS NULL
                 OR size([y IN stated WHERE y = x]) >= size([y IN stated WHERE y = best])
            THEN x ELSE best END) AS nationality
OPTIONAL MATCH (p)<-[:SAME_AS]-(:Record)<-[:RESPONDENT]-(c:Case)
WITH f, p, records, nationality, collect(c) AS cases
WITH f, collect({
       id: p.key,
       mexican: coalesce(nationality = 'MEX', false),
       uac: size([r IN records WHERE r.uac = true]) > 0,
       fear_claimed: size([r IN records WHERE r.fear_claimed = true]) > 0,
       positive_fear: size([r IN records WHERE r.fear_assessment = 'POSITIVE']) > 0,
       no_case: size(cases) = 0,
       mpp: size([c IN cases WHERE c.mpp = true]) > 0,
       pending_mpp: size([c IN cases WHERE c.mpp = true AND c.status = 'PENDING']) > 0,
       ended_mpp: size([c IN cases WHERE c.mpp = true
                                     AND c.status IN ['IN_ABSENTIA', 'TERMINATED']]) > 0,
       relief_mpp: size([c IN cases WHERE c.mpp = true AND c.status = 'RELIEF_GRANTED']) > 0,
       not_relief: size([c IN cases WHERE c.status IS NULL
                                      OR c.status <> 'RELIEF_GRANTED']) > 0
     }) AS members
WITH f, members, any(m IN members WHERE m.mpp) AS in_mpp
WITH f,
     CASE WHEN in_mpp AND any(m IN members WHERE m.mexican AND m.fear_claimed)
          THEN ['MEXICAN_MEMBER_FEAR'] ELSE [] END
     + CASE WHEN any(m IN members WHERE m.mpp AND (m.mexican OR m.uac))
          THEN ['NON_AMENABLE'] ELSE [] END
     + CASE WHEN in_mpp AND any(m IN members WHERE m.positive_fear)
          THEN ['POSITIVE_FEAR'] ELSE [] END
     + CASE WHEN any(a IN members WHERE a.relief_mpp
                     AND any(b IN members WHERE b.id <> a.id AND b.not_relief))
          THEN ['RELIEF_SPLIT'] ELSE [] END
     + CASE WHEN any(a IN members WHERE a.pending_mpp
                     AND any(b IN members WHERE b.id <> a.id AND (b.ended_mpp OR b.no_case)))
          THEN ['WIND_DOWN_SPLIT'] ELSE [] END AS codes
WHERE size(codes) > 0
MATCH (m:Person)-[:IN]->(f)
WITH f, codes, m
ORDER BY m.key
WITH f, codes, collect(m.key) AS person_ids
MATCH (r:Record)-[:SAME_AS]->(:Person)-[:IN]->(f)
WITH f, codes, person_ids, r.key AS record_id
ORDER BY record_id
WITH f, codes, person_ids, collect(record_id) AS record_ids
OPTIONAL MATCH (c:Case)-[:RESPONDENT]->(:Record)-[:SAME_AS]->(:Person)-[:IN]->(f)
WITH f, codes, person_ids, record_ids, c.key AS case_id
ORDER BY case_id
WITH f, codes, person_ids, record_ids, collect(case_id) AS case_ids
RETURN f.key AS family_id, codes, case_ids, record_ids, person_ids
ORDER BY family_id
