"""Drives `callrouter cdr serve` with Elasticsearch's official Python client
(Debian's python3-elasticsearch, 7.17) as an application would: each step's
answer, or the status and error type the client raised, in one JSON object
on stdout. Usage: python_client.py <url> <token>"""
import json
import sys

from elasticsearch import Elasticsearch, helpers
from elasticsearch.exceptions import TransportError

url, token = sys.argv[1], sys.argv[2]
es = Elasticsearch(url, headers={"Authorization": "Bearer " + token})
results = {}


def step(name, run):
    try:
        results[name] = {"ok": run()}
    except TransportError as error:
        results[name] = {"status": error.status_code, "error": error.error}


def cdr(uuid, minute, user, direction, number):
    return {
        "uuid": uuid,
        "Call start time": "2026-11-24T11:%02d:00Z" % minute,
        "Domain name": "example.com" if user != "201" else "other.example",
        "User ID": user,
        "Call direction": direction,
        "Destination number": number,
        "Call duration": minute * 10,
    }


documents = [
    cdr("py-1", 1, "101", "outbound", "0671234567"),
    cdr("py-2", 2, "102", "outbound", "0671234567"),
    cdr("py-3", 3, "101", "inbound", "100"),
    cdr("py-4", 4, "103", "outbound", "0441112233"),
    cdr("py-5", 5, "201", "outbound", "0671234567"),
]

step("info", lambda: es.info()["version"]["number"])
step("ping", lambda: es.ping())
step("create", lambda: es.indices.create(index="cdr", body={"mappings": {"properties": {"User ID": {"type": "keyword"}}}}))
step("bulk", lambda: helpers.bulk(es, ({"_index": "cdr", "_id": d["uuid"], "_source": d} for d in documents), refresh=True)[0])
step("count", lambda: es.count(index="cdr")["count"])
last_agent = {"bool": {"filter": [{"term": {"Destination number": "0671234567"}}, {"term": {"Call direction": "outbound"}}]}}
step("last agent", lambda: [hit["_source"]["User ID"] for hit in es.search(index="cdr-*-example.com", query=last_agent, sort=[{"Call start time": "desc"}], size=1)["hits"]["hits"]])
step("terms", lambda: {b["key"]: b["doc_count"] for b in es.search(index="cdr", size=0, aggs={"users": {"terms": {"field": "User ID"}}})["aggregations"]["users"]["buckets"]})


def composite_pages():
    keys, after = [], None
    while True:
        composite = {"size": 2, "sources": [{"user": {"terms": {"field": "User ID"}}}]}
        if after:
            composite["after"] = after
        answer = es.search(index="cdr", size=0, aggs={"users": {"composite": composite}})["aggregations"]["users"]
        keys += [bucket["key"]["user"] for bucket in answer["buckets"]]
        after = answer.get("after_key")
        if not answer["buckets"]:
            return keys


step("composite", composite_pages)
step("scan", lambda: sorted(hit["_id"] for hit in helpers.scan(es, index="cdr", query={"query": {"match_all": {}}}, size=2)))
step("msearch", lambda: [r["hits"]["total"]["value"] for r in es.msearch(body=[{"index": "cdr"}, {"query": {"term": {"User ID": "101"}}}, {"index": "cdr"}, {"query": {"match_none": {}}}])["responses"]])
step("mget", lambda: [doc["found"] for doc in es.mget(index="cdr", body={"ids": ["py-1", "nope"]})["docs"]])
step("get missing", lambda: es.get(index="cdr", id="nope"))
step("update", lambda: es.update(index="cdr", id="py-4", body={"doc": {"Call duration": 999}}, refresh=True)["result"])
step("multi_match", lambda: es.count(index="cdr", body={"query": {"multi_match": {"query": "0671234567", "fields": ["Destination number", "CallerID number"]}}})["count"])
step("delete_by_query", lambda: es.delete_by_query(index="cdr", body={"query": {"term": {"User ID": "103"}}}, refresh=True)["deleted"])
step("cat count", lambda: es.cat.count(index="cdr", format="json")[0]["count"])
step("cat indices", lambda: [row["index"] for row in es.cat.indices(format="json")])
step("mapping", lambda: es.indices.get_mapping(index="cdr")["cdr"]["mappings"]["properties"]["Call start time"]["type"])
step("unsupported", lambda: es.count(index="cdr", body={"query": {"more_like_this": {"like": "101"}}}))
step("fuzzy", lambda: es.count(index="cdr", body={"query": {"fuzzy": {"User ID": "109"}}})["count"])

# The helpers applications load and read with, and the calls that come with them.
step("streaming_bulk", lambda: [ok for ok, _ in helpers.streaming_bulk(es, ({"_op_type": "update", "_index": "cdr", "_id": uuid, "doc": {"Location": "office"}} for uuid in ["py-1", "py-2", "py-3"]), chunk_size=2, max_retries=2)])
step("streaming_bulk errors", lambda: [item["create"]["status"] for ok, item in helpers.streaming_bulk(es, ({"_op_type": "create", "_index": "cdr", "_id": "py-1", "_source": documents[0]},), raise_on_error=False)])
extra = [cdr("pb-%d" % i, 10 + i, "301", "inbound", "100") for i in range(12)]
step("parallel_bulk", lambda: sum(1 for ok, _ in helpers.parallel_bulk(es, ({"_index": "cdr", "_id": d["uuid"], "_source": d} for d in extra), thread_count=2, chunk_size=5) if ok))
step("scan preserve_order", lambda: [hit["_id"] for hit in helpers.scan(es, index="cdr", query={"query": {"term": {"User ID": "301"}}, "sort": [{"Call duration": "desc"}]}, size=5, preserve_order=True)][:3])


def scan_left_open():
    seen = sum(1 for _ in helpers.scan(es, index="cdr", size=5, clear_scroll=False))
    return [seen, es.clear_scroll(scroll_id="_all")["num_freed"]]


step("scan clear_scroll=False", scan_left_open)
step("helpers.reindex into cdr", lambda: helpers.reindex(es, "cdr", "cdr", query={"query": {"term": {"User ID": "301"}}})[0])
step("reindex API", lambda: es.reindex(body={"source": {"index": "cdr"}, "dest": {"index": "cdr"}}))
step("count q", lambda: es.count(index="cdr", q="User\\ ID:301")["count"])
step("exists", lambda: [es.exists(index="cdr", id="py-1"), es.exists(index="cdr", id="nope")])
step("get_source", lambda: es.get_source(index="cdr", id="py-2")["User ID"])
step("explain", lambda: es.explain(index="cdr", id="py-2", body={"query": {"term": {"User ID": "102"}}})["matched"])
step("validate_query", lambda: [es.indices.validate_query(index="cdr", body={"query": {"match_all": {}}})["valid"], es.indices.validate_query(index="cdr", body={"query": {"nope": {}}})["valid"]])
step("stats", lambda: es.indices.stats(index="cdr", metric="docs")["_all"]["primaries"]["docs"]["count"])
step("delete index", lambda: es.indices.delete(index="cdr"))
es.index(index="cdr", id="py-team", body={"members": ["101", "301"]}, refresh=True)
step("terms lookup", lambda: es.count(index="cdr", body={"query": {"terms": {"User ID": {"index": "cdr", "id": "py-team", "path": "members"}}}})["count"])
step("update_by_query", lambda: es.update_by_query(index="cdr", body={"query": {"term": {"User ID": "301"}}})["noops"])
step("put_mapping", lambda: es.indices.put_mapping(index="cdr", body={"properties": {"User ID": {"type": "keyword"}, "Call duration": {"type": "long"}}})["acknowledged"])
step("put_mapping conflict", lambda: es.indices.put_mapping(index="cdr", body={"properties": {"User ID": {"type": "long"}}}))


def delete_in_background():
    es.index(index="cdr", id="py-temporary", body={"User ID": "temporary"}, refresh=True)
    task = es.delete_by_query(index="cdr", body={"query": {"term": {"User ID": "temporary"}}}, wait_for_completion=False)["task"]
    outcome = es.tasks.get(task_id=task)
    return [outcome["completed"], outcome["response"]["deleted"]]


step("delete_by_query as a task", delete_in_background)


def pages_through_point_in_time():
    pit = es.open_point_in_time(index="cdr", keep_alive="1m")["id"]
    seen, after = [], None
    while True:
        body = {"pit": {"id": pit, "keep_alive": "1m"}, "size": 5, "sort": [{"Call start time": "asc"}], "query": {"term": {"User ID": "301"}}}
        if after:
            body["search_after"] = after
        hits = es.search(body=body)["hits"]["hits"]
        if not hits:
            break
        seen += [hit["_id"] for hit in hits]
        after = hits[-1]["sort"]
    return [len(seen), es.close_point_in_time(body={"id": pit})["num_freed"]]


step("point in time", pages_through_point_in_time)
step("mget with a source per document", lambda: [doc.get("_source") for doc in es.mget(index="cdr", body={"docs": [{"_id": "py-1", "_source": ["User ID"]}, {"_id": "py-2"}, {"_id": "py-3", "_source": False}]}, _source_includes="Call direction")["docs"]])
step("cluster state", lambda: list(es.cluster.state(metric="metadata")["metadata"]["indices"]))
step("template exists", lambda: [es.indices.exists_index_template(name="cdr-template"), es.indices.exists_template(name="cdr-template")])
step("put template", lambda: es.indices.put_index_template(name="cdr-template", body={"index_patterns": ["cdr*"], "template": {}}))
print(json.dumps(results))
