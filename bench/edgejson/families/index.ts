// Every schema family the generator draws from.
import type { Family } from '../field.js';
import { appointment } from './appointment.js';
import { event } from './event.js';
import { flight } from './flight.js';
import { invoice } from './invoice.js';
import { jobPosting } from './job-posting.js';
import { order } from './order.js';
import { person } from './person.js';
import { product } from './product.js';
import { realEstate } from './real-estate.js';
import { recipe } from './recipe.js';

export const FAMILIES: readonly Family[] = [person, product, order, invoice, event, jobPosting, appointment, flight, recipe, realEstate];
