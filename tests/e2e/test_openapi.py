"""The OpenAPI description (docs/openapi.yaml) and the server agree: every
route the server offers is described with its method, every described
route exists, the served copy is the shipped one, and real answers carry
the properties the description requires."""

import os
import re
import unittest

import yaml

from harness import ServerTest

API = "/api/v1"
SPEC_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                         "..", "docs", "openapi.yaml")


def normalise(path):
    return re.sub(r"\{[^}]*\}", "{}", path)


class OpenApiTest(ServerTest):
    DEMO = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with open(SPEC_PATH, encoding="utf-8") as f:
            cls.text = f.read()
        cls.spec = yaml.safe_load(cls.text)
        cls.admin = cls.server.token("admin", "bmi")

    def described(self):
        out = set()
        for path, item in self.spec["paths"].items():
            for method in item:
                if method in ("get", "post", "put", "patch", "delete"):
                    out.add((method.upper(), normalise(path)))
        return out

    def test_every_route_is_described_and_every_description_served(self):
        r = self.server.get(API)
        served = {(x["method"], x["path"]) for x in r.json["routes"]}
        # The API and the endoflife.date-compatible API beside it.
        described = {d for d in self.described()
                     if d[1].startswith(("/api/", "/eol/"))}
        self.assertEqual(sorted(served - described), [],
                         "routes the description lacks")
        self.assertEqual(sorted(described - served), [],
                         "described routes the server lacks")

    def test_served_description_is_the_shipped_one(self):
        r = self.server.get(API + "/openapi.yaml")
        self.assertEqual(r.status, 200, r)
        self.assertIn("yaml", r.header("Content-Type"))
        self.assertEqual(r.raw, self.text)

    def required_of(self, ref):
        name = ref.rsplit("/", 1)[1]
        schema = self.spec["components"]["schemas"][name]
        required = set(schema.get("required", []))
        for part in schema.get("allOf", []):
            if "$ref" in part:
                required |= self.required_of(part["$ref"])
            required |= set(part.get("required", []))
        return required

    def response_schema(self, path, method="get"):
        op = self.spec["paths"][path][method]
        content = op["responses"]["200"]["content"]["application/json"]
        return content["schema"]

    def test_answers_carry_the_required_properties(self):
        s = self.server
        cases = [
            ("/api/v1/solutions/{slug}", API + "/solutions/wohngeld-online"),
            ("/api/v1/organisations/{slug}", API + "/organisations/bmi"),
            ("/api/v1/session", API + "/session"),
            ("/api/v1/reports", API + "/reports"),
            ("/api/v1/reports/{name}", API + "/reports/adoption"),
            ("/api/v1/deliveries/status", API + "/deliveries/status"),
            ("/eol/api/v1/products/{product}",
             "/eol/api/v1/products/wohngeld-online"),
        ]
        for spec_path, url in cases:
            key = next(p for p in self.spec["paths"]
                       if normalise(p) == normalise(spec_path))
            schema = self.response_schema(key)
            self.assertIn("$ref", schema, key)
            r = s.get(url, token=self.admin)
            self.assertEqual(r.status, 200, r)
            missing = self.required_of(schema["$ref"]) - set(r.json)
            self.assertEqual(missing, set(), url)

    def test_error_shape_is_the_described_one(self):
        r = self.server.get(API + "/solutions/gibt-es-nicht")
        self.assertEqual(r.status, 404)
        error = self.spec["components"]["schemas"]["Error"]
        self.assertEqual(set(error["required"]), set(r.json))
        inner = error["properties"]["error"]
        self.assertLessEqual(set(inner.get("required", [])),
                             set(r.json["error"]))


if __name__ == "__main__":
    unittest.main()
