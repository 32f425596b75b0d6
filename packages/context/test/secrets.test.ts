/**
 * @module Secret scanning and the upload gate (V1-FR-SEC-003, PRD V1 §17 group 18). Every fake
 * secret is assembled at run time so nothing secret-shaped is committed.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluateSecretGate, scanSecrets } from '../src/index';

const fake = {
  awsKeyId: 'AKIA' + 'X'.repeat(16),
  awsSecret: 'wJalr' + 'XUtnFEMI7K7MDENG8bPxRfiCY'.padEnd(35, 'Q'),
  github: 'ghp' + '_' + 'a1B2'.repeat(9),
  stripe: ['sk', 'live', 'Z9y8'.repeat(6)].join('_'),
  slack: ['xoxb', '1234567890', 'abcdefABCDEF'].join('-'),
  pem: '-----BEGIN ' + 'RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----',
  random: 'q7Zr' + 'P2mX9vLk4TbW8nYc',
};

const rules = (text: string, path = 'src/config.ts') =>
  scanSecrets(path, text).map((f) => f.ruleId);

void test('V1-FR-SEC-003: AWS access key ids are found with file, line and column', () => {
  const findings = scanSecrets('src/aws.ts', `// keys\nconst id = '${fake.awsKeyId}';\n`);
  assert.deepEqual(findings, [
    {
      path: 'src/aws.ts',
      line: 2,
      column: 13,
      ruleId: 'aws-access-key-id',
      severity: 'high',
      description: 'AWS access key id',
    },
  ]);
});

void test('V1-FR-SEC-003: provider tokens and private keys each hit their rule', () => {
  assert.deepEqual(rules(`aws_secret_access_key = "${fake.awsSecret}"`), ['aws-secret-access-key']);
  assert.deepEqual(rules(`token: '${fake.github}'`), ['github-token']);
  assert.deepEqual(rules(`stripe(${JSON.stringify(fake.stripe)})`), ['stripe-secret-key']);
  assert.deepEqual(rules(`SLACK = "${fake.slack}"`), ['slack-token']);
  assert.deepEqual(rules(fake.pem, 'deploy/key.txt'), ['private-key']);
  assert.deepEqual(rules(`const apiKey = "${fake.random}";`), ['high-entropy-assignment']);
  assert.deepEqual(rules(`export DATABASE_PASSWORD=${fake.random}\n`, 'scripts/env.sh'), [
    'env-style-assignment',
  ]);
  assert.deepEqual(rules(`url = "postgres://app:${fake.random}@db:5432/app"`), ['url-credentials']);
});

void test('V1-FR-SEC-003: findings never contain the secret itself', () => {
  const text = [
    fake.awsKeyId,
    fake.github,
    fake.stripe,
    fake.slack,
    `password = "${fake.random}"`,
  ].join('\n');
  const findings = scanSecrets('src/all.py', text);
  assert.equal(findings.length, 5);
  const serialised = JSON.stringify(findings);
  for (const secret of [fake.awsKeyId, fake.github, fake.stripe, fake.slack, fake.random])
    assert.ok(!serialised.includes(secret));
});

void test('V1-FR-SEC-003: placeholders, env lookups and AWS documentation samples are not findings', () => {
  assert.deepEqual(rules('const apiKey = process.env.API_KEY;'), []);
  assert.deepEqual(rules('password = "changeme"'), []);
  assert.deepEqual(rules('token = "${TOKEN}"'), []);
  assert.deepEqual(rules(`id = "${'AKIA' + 'IOSFODNN7' + 'EXAMPLE'}"`), []);
  assert.deepEqual(rules('const tokenizer = createTokenizer("cl100k_base");'), []);
});

void test('§17 group 18: a .env file is a whole-file finding that blocks upload', () => {
  const findings = scanSecrets('.env', 'ANYTHING=1\n');
  assert.deepEqual(
    findings.map((f) => [f.ruleId, f.line]),
    [['secret-file', 0]],
  );
  assert.equal(evaluateSecretGate(findings).blocked, true);
});

void test('V1-FR-SEC-003: upload is blocked until every finding is resolved; only medium findings can be waived', () => {
  const findings = scanSecrets(
    'src/a.ts',
    `const id = '${fake.awsKeyId}';\nconst apiKey = "${fake.random}";\n`,
  );
  assert.deepEqual(
    findings.map((f) => f.severity),
    ['high', 'medium'],
  );
  const waiveBoth = findings.map(({ path, line, ruleId }) => ({ path, line, ruleId }));
  const gate = evaluateSecretGate(findings, waiveBoth);
  assert.ok(gate.blocked);
  assert.deepEqual(
    gate.unresolved.map((f) => f.ruleId),
    ['aws-access-key-id'],
  );
  assert.deepEqual(
    gate.waived.map((f) => f.ruleId),
    ['high-entropy-assignment'],
  );
  assert.equal(evaluateSecretGate(findings.slice(1), waiveBoth).blocked, false);
  assert.equal(evaluateSecretGate([]).blocked, false);
});
