// The shortest chain of links between two persons: identity (a record resolved to a person,
// SAME_AS), recorded family units (MEMBER_OF), case respondents (RESPONDENT) and lead/rider
// cases (RIDES_ON). Courts, hearings and the derived Family nodes are not links. The chain is
// searched up to 16 relationships (about four person-to-person links); no row means the two
// persons are not connected within that reach; a person and itself are 0 hops apart.
//
// Parameters:
//   $from_person (string): the first person's id.
//   $to_person (string): the second person's id.
// Returns: hops (number of relationships), chain (the nodes as "Label:key"), links (the
// relationship types in order); at most one row.
MATCH path = (a:Person {key: $from_person})
             -[:SAME_AS|MEMBER_OF|RESPONDENT|RIDES_ON*0..16]-(b:Person {key: $to_person})
WITH path, length(path) AS hops
ORDER BY hops
LIMIT 1
RETURN hops,
       [n IN nodes(path) | labels(n)[0] + ':' + n.key] AS chain,
       [r IN relationships(path) | type(r)] AS links
