// The example's own tests: `iama demo` runs them again on the delivered code.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { total } = require('../src/order');

test('total of an empty order is 0', () => {
  assert.equal(total({ items: [] }), 0);
});

test('total adds every item price', () => {
  assert.equal(total({ items: [{ price: 2 }, { price: 3.5 }, { price: 4 }] }), 9.5);
});
