"""A tiny stand-in for the EdgeJSON generator: a few flat person/product records in the {id, tier, schema,
text, gold} JSONL shape, so the recipe can be smoke-tested without bench/ (train/smoke.sh, tests/train)."""
import json
import random
import sys

NAMES = ['Alice Moreau', 'Bram Jansen', 'Chen Wei', 'Dana Okafor', 'Emil Novak', 'Farah Haddad', 'Gus Lind']
CITIES = ['Lyon', 'Utrecht', 'Osaka', 'Lagos', 'Brno', 'Beirut', 'Malmo']


def example(rng: random.Random, i: int) -> dict:
    name, city, age = rng.choice(NAMES), rng.choice(CITIES), rng.randint(18, 90)
    schema = {'type': 'object', 'properties': {'name': {'type': 'string'}, 'age': {'type': 'integer'},
                                               'city': {'type': 'string'}}, 'required': ['name', 'age', 'city']}
    forms = [f'{name} is {age} years old and lives in {city}.', f'Living in {city}, {name} turned {age} this year.',
             f'{city} resident {name}, aged {age}, said hello.']
    return {'id': f'fixture-{i}', 'tier': 'simple', 'schema': schema, 'text': rng.choice(forms),
            'gold': {'name': name, 'age': age, 'city': city}}


if __name__ == '__main__':
    n, seed, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    rng = random.Random(seed)
    with open(out, 'w') as f:
        for i in range(n):
            f.write(json.dumps(example(rng, i)) + '\n')
