// Syntax colouring of possibly incomplete JSON text (it streams in a token at a time): a single left-to-right
// scan that tolerates an unterminated string or number at the end.

export function highlightJson(text: string): DocumentFragment {
  const frag = document.createDocumentFragment();
  const add = (cls: string, s: string) => {
    if (!s) return;
    const span = document.createElement('span');
    span.className = cls;
    span.textContent = s;
    frag.append(span);
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      j = Math.min(j + 1, text.length);
      // A key is a string followed (after spaces) by a colon.
      let k = j;
      while (k < text.length && /\s/.test(text[k])) k++;
      add(text[k] === ':' ? 'k' : 's', text.slice(i, j));
      i = j;
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      let j = i + 1;
      while (j < text.length && /[0-9eE+\-.]/.test(text[j])) j++;
      add('n', text.slice(i, j));
      i = j;
    } else if (/[a-z]/.test(c)) {
      let j = i + 1;
      while (j < text.length && /[a-z]/.test(text[j])) j++;
      add('l', text.slice(i, j));
      i = j;
    } else if ('{}[],:'.includes(c)) {
      add('p', c);
      i++;
    } else {
      let j = i + 1;
      while (j < text.length && !/["\-0-9a-z{}[\],:]/.test(text[j])) j++;
      frag.append(document.createTextNode(text.slice(i, j)));
      i = j;
    }
  }
  return frag;
}
