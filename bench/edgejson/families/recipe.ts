// A recipe: name, servings, times, calories, cuisine; ingredients with amounts; the author.
import type { Rng } from '../prng.js';
import { fullName } from '../lexicon.js';
import { thingCtx } from '../subject.js';
import { drawIsoDate, sayCount, sayDate, sayList } from '../surface.js';
import { boolLeaf, dateLeaf, enumLeaf, intLeaf, stringLeaf, type DrawnObject, type Family } from '../field.js';
import type { Ctx } from '../subject.js';
import { contactObject } from '../shared-fields.js';

const DISHES = ['Lemon Garlic Chicken', 'Mushroom Risotto', 'Lentil Soup', 'Banana Bread', 'Beef Tacos', 'Pad Thai',
  'Greek Salad', 'Vegetable Curry', 'Apple Pie', 'Shakshuka', 'Pumpkin Pancakes', 'Salmon Teriyaki'];
const INGREDIENTS = ['flour', 'sugar', 'butter', 'eggs', 'milk', 'onion', 'garlic', 'olive oil', 'rice', 'tomatoes',
  'chicken breast', 'lentils', 'carrots', 'salt', 'lemon juice', 'cheese', 'spinach', 'coconut milk'];
type RecipeCtx = Ctx & { dish: string };

export const recipe: Family = {
  name: 'recipe',
  context(r: Rng): RecipeCtx {
    const dish = r.pick(DISHES);
    return { ...thingCtx([dish, 'the recipe', 'this dish']), dish, poss: ['its', 'the recipe\'s'] };
  },
  leaves: [
    stringLeaf('name', 'recipe name', (_r, c) => (c as RecipeCtx).dish, ['Recipe: {v}.', 'Today we make {v}.', 'This is my {v}.']),
    intLeaf('servings', 'servings', 1, 12, ['It serves {v}.', 'Servings: {v}.', 'Makes enough for {v} people.'],
      { surface: (v, r) => sayCount(Number(v), r), decoys: ['My original version fed {v}.'] }),
    intLeaf('prep_minutes', 'preparation time in minutes', 5, 60, ['Prep takes {v} minutes.', 'Preparation: {v} min.'],
      { decoys: ['Marinating overnight is optional, or at least {v} minutes.'] }),
    intLeaf('cook_minutes', 'cooking time in minutes', 5, 180, ['Cook for {v} minutes.', 'Cooking time: {v} minutes.', 'It needs {v} minutes on the heat.'],
      { decoys: ['Let it rest for {v} minutes afterwards.', 'In a pressure cooker it takes only {v} minutes.'] }),
    intLeaf('calories', 'calories per serving', 120, 950, ['Each serving has about {v} calories.', 'Calories: {v} kcal per serving.'],
      { decoys: ['The full pot adds up to {v} calories.'] }),
    intLeaf('oven_temp_c', 'oven temperature in Celsius', 150, 250, ['Preheat the oven to {v} °C.', 'Bake at {v} degrees Celsius.'],
      { decoys: ['Some ovens run hot, so {v} °C may be enough.'] }),
    stringLeaf('author', 'author', (r) => fullName(r), ['Recipe by {v}.', 'Shared by {v}.', '{v} wrote this recipe.'],
      { decoys: ['Adapted from a cookbook by {v}.'] }),
    dateLeaf('published', 'publication date', (r) => drawIsoDate(r, 2015, 2026), sayDate, ['Published on {v}.', 'Posted {v}.'],
      { decoys: ['Updated on {v}.'] }),
    boolLeaf('vegetarian', 'vegetarian', ['It is vegetarian.', 'No meat in this one.'], ['It is not vegetarian.', 'It contains meat.']),
  ],
  enums: [
    enumLeaf('difficulty', 'difficulty', ['easy', 'medium', 'hard'], ['Difficulty: {v}.', 'It is {v} to make.']),
    enumLeaf('course', 'course', ['breakfast', 'starter', 'main', 'dessert', 'snack'], ['Serve it as a {v}.', 'Course: {v}.']),
  ],
  lists: [
    { kind: 'list', key: 'tags', label: 'tags', item: { type: 'string', maxLength: 40 }, maxItems: 5,
      draw: (r) => r.sample(['quick', 'comfort food', 'gluten-free', 'spicy', 'kid-friendly', 'budget', 'high-protein'], r.int(1, 3)),
      templates: ['Tags: {v}.', 'I would call it {v}.'] },
    { kind: 'list', key: 'equipment', label: 'equipment', item: { type: 'string', maxLength: 40 }, maxItems: 5,
      draw: (r) => r.sample(['blender', 'baking tray', 'large pot', 'skillet', 'whisk', 'oven', 'food processor'], r.int(1, 3)),
      templates: ['You need {v}.', 'Equipment: {v}.'] },
  ],
  objects: [
    {
      kind: 'object', key: 'source', label: 'source',
      children: [
        stringLeaf('website', 'website', (r) => `${r.pick(['tastyhome', 'quickbites', 'greenplate', 'nonnaskitchen'])}.${r.pick(['com', 'net', 'org'])}`, ['{v}']),
        intLeaf('year', 'source year', 1990, 2025, ['{v}']),
        contactObject('contributor', 'contributor', 'contributor'),
      ],
      say(v: DrawnObject, r: Rng, ctx: Ctx): string {
        const out: string[] = [];
        if (v.website !== undefined) out.push(`It first appeared on ${v.website}${v.year !== undefined ? ` in ${v.year}` : ''}.`);
        else if (v.year !== undefined) out.push(`The original dates from ${v.year}.`);
        const c = this.children[2];
        if (v.contributor !== undefined && c.kind === 'object') out.push(c.say(v.contributor as DrawnObject, r, ctx));
        return out.join(' ');
      },
    },
    {
      kind: 'object', key: 'nutrition', label: 'nutrition',
      children: [
        intLeaf('protein_g', 'protein in grams', 1, 60, ['{v}']),
        intLeaf('fat_g', 'fat in grams', 1, 60, ['{v}']),
        intLeaf('carbs_g', 'carbohydrates in grams', 1, 120, ['{v}']),
      ],
      say(v: DrawnObject, r: Rng): string {
        const parts = [['protein', v.protein_g], ['fat', v.fat_g], ['carbohydrates', v.carbs_g]].filter(([, x]) => x !== undefined)
          .map(([n, x]) => (r.chance(50) ? `${x} g of ${n}` : `${n} ${x}g`));
        return parts.length ? `Per serving: ${sayList(parts, r)}.` : '';
      },
    },
  ],
  arrays: [
    {
      kind: 'array', key: 'ingredients', label: 'ingredients', maxItems: 8,
      children: [
        stringLeaf('item', 'ingredient', (r) => r.pick(INGREDIENTS), ['{v}']),
        amountLeaf('quantity', 'amount'),
        enumLeaf('unit', 'unit', ['g', 'ml', 'cup', 'tbsp', 'tsp', 'piece'], ['{v}']),
      ],
      count: (r) => r.int(2, 6),
      say(items: DrawnObject[], r: Rng): string {
        const word: Record<string, string[]> = { g: ['g', 'grams'], ml: ['ml', 'milliliters'], cup: ['cup', 'cups'], tbsp: ['tbsp', 'tablespoons'], tsp: ['tsp', 'teaspoons'], piece: ['piece', 'pieces'] };
        const said = items.map((i) => `${i.quantity} ${r.pick(word[String(i.unit)])} of ${i.item}`);
        return `${r.pick(['You will need', 'Ingredients:', 'Gather'])} ${sayList(said, r)}.`;
      },
    },
  ],
  openers: ['From my grandmother\'s notebook.', 'A weeknight favourite.', 'Here is how I make {s}.'],
  noise: ['The kitchen smelled wonderful.', 'My neighbour asked for the recipe twice.', 'Leftovers keep for three days.'],
};

/** An ingredient amount: whole numbers or halves, as a plain JSON number. */
function amountLeaf(key: string, label: string) {
  return { kind: 'leaf' as const, key, label, schema: { type: 'number', minimum: 0 }, draw: (r: Rng) => r.int(1, 16) / r.pick([1, 1, 2]), templates: ['{v}'] };
}
