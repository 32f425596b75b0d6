/** @module A local fake of the Stripe API endpoints IAMA uses (issue #5); a test stand-in for the gateway. */
export { decodeForm, type FormValue } from './form';
export {
  startStripeFake,
  type FakePrice,
  type RecordedStripeRequest,
  type StripeFake,
  type StripeFakeOptions,
} from './server';
