function total(order) {
  let sum = 0;
  for (const item of order.items) {
    sum = sum + item.price;
  }
  return sum;
}

module.exports = { total };
