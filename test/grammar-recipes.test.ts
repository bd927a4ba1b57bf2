// The precompiled grammars (scripts/grammar-recipes.ts) must be exactly what ohm makes of the
// grammar sources, so the sources stay the single authority on syntax.
import { describe, expect, it } from 'vitest';
import * as ohm from 'ohm-js';
import { MLP_GRAMMAR } from '../compiler/frontend/mlp-grammar.js';
import { MLP_GRAMMAR_RECIPE } from '../compiler/frontend/mlp-grammar-recipe.js';
import { ASM_GRAMMAR } from '../isa/asm-grammar.js';
import { ASM_GRAMMAR_RECIPE } from '../isa/asm-grammar-recipe.js';
import { grammarFromRecipe, recipeOf } from '../isa/grammar-recipe.js';

type Failed = { getRightmostFailurePosition(): number; message: string };

describe('precompiled grammar recipes', () => {
  for (const [name, source, recipe] of [['mlp', MLP_GRAMMAR, MLP_GRAMMAR_RECIPE], ['asm', ASM_GRAMMAR, ASM_GRAMMAR_RECIPE]] as const) {
    it(`${name}: the recipe is the source's (regenerate with scripts/grammar-recipes.ts)`, () => {
      expect(recipe).toBe(recipeOf(ohm.grammar(source)));
    });
    it(`${name}: the grammar rebuilt from the recipe makes the same recipe`, () => {
      expect(recipeOf(grammarFromRecipe(recipe))).toBe(recipe);
    });
  }
  it('a recipe grammar rejects what the source grammar rejects, at the same place', () => {
    const bad = 'model m { input 4 dense }';
    const a = ohm.grammar(MLP_GRAMMAR).match(bad) as unknown as Failed;
    const m = grammarFromRecipe(MLP_GRAMMAR_RECIPE).match(bad);
    expect(m.failed()).toBe(true);
    const b = m as unknown as Failed;
    expect(b.getRightmostFailurePosition()).toBe(a.getRightmostFailurePosition());
    expect(b.message).toBe(a.message);
  });
});
