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
print(json.dumps(results))
