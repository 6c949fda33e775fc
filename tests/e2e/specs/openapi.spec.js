// The JSON API's OpenAPI document (issue 11, point 9): every answer has a
// documented schema, and what the city administrator and a county officer
// get back has the documented fields (the full JSON Schema validation is
// crates/web/tests/it/api.rs; this checks the served binary end to end).
const path = require('node:path');
const { test, expect } = require('@playwright/test');
const { CITY, OWN_COUNTY, OTHER_COUNTY, login } = require('./helpers');

const artifacts = path.join(__dirname, '..', 'artifacts');

/** The documented route and a path that asks it, for a signed-in reader of OWN_COUNTY. */
const ASKED = [
  ['/api/me', '/api/me'],
  ['/api/overview', `/api/overview?area=${OWN_COUNTY}`],
  ['/api/areas/{area}', `/api/areas/${CITY}`],
  ['/api/areas/{area}', `/api/areas/${OWN_COUNTY}`],
  ['/api/indicators', '/api/indicators'],
  ['/api/indicators/{indicator}', `/api/indicators/large_class_count?area=${OTHER_COUNTY}`],
  ['/api/schools/{code}', '/api/schools/2370112001'],
];

/** The component a `$ref` names. */
function component(doc, schema) {
  const ref = schema.$ref || (schema.items && schema.items.$ref);
  expect(ref, JSON.stringify(schema)).toMatch(/^#\/components\/schemas\//);
  return doc.components.schemas[ref.split('/').pop()];
}

/** The object's keys are the documented ones: every required one, none unnamed. */
function expectShaped(answer, schema, where) {
  const keys = Object.keys(answer);
  for (const required of schema.required || []) {
    expect(keys, `${where}: ${required} missing`).toContain(required);
  }
  for (const key of keys) {
    expect(Object.keys(schema.properties), `${where}: ${key} undocumented`).toContain(key);
  }
}

for (const who of ['admin', 'county']) {
  test(`every API answer to the ${who} has the fields its documented schema names`, async ({ page }) => {
    await login(page, who);
    const doc = await (await page.request.get('/api/openapi.json')).json();
    for (const [route, asked] of ASKED) {
      const responses = doc.paths[route].get.responses;
      const schema = responses['200'].content['application/json'].schema;
      const response = await page.request.get(asked);
      expect(response.status(), asked).toBe(200);
      const answer = await response.json();
      if (Array.isArray(answer)) {
        expect(schema.type, asked).toBe('array');
        expectShaped(answer[0], component(doc, schema), asked);
      } else {
        expectShaped(answer, component(doc, schema), asked);
      }
    }
    if (who === 'county') {
      // Another county's school: refused with the documented error body.
      const refused = await page.request.get('/api/schools/2370102001');
      expect(refused.status()).toBe(403);
      const error = await refused.json();
      expect(error.error).toBe('forbidden');
      expectShaped(error, doc.components.schemas.ApiError, 'the refusal');
      const missing = await page.request.get('/api/indicators/no_such_indicator');
      expect(missing.status()).toBe(404);
      expect((await missing.json()).error).toBe('not_found');
    }
  });
}

test('the OpenAPI document opens in the browser with its schemas', async ({ page }) => {
  await login(page, 'admin');
  for (const [width, height] of [[1366, 768], [768, 1024]]) {
    await page.setViewportSize({ width, height });
    const response = await page.goto('/api/openapi.json');
    expect(response.status()).toBe(200);
    await expect(page.locator('body')).toContainText('OverviewAnswer');
    await expect(page.locator('body')).toContainText('ApiError');
    await page.screenshot({ path: path.join(artifacts, `openapi-document-${width}.png`), fullPage: true });
  }
});
