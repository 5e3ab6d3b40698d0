// The eligibility page: builds a profile from the form, sends it to POST v1/eval, shows the verdicts with their
// explanations, and puts each problem the API names (by its JSON path) beside the field it concerns.
// Plain JavaScript, no build step. URLs are relative, so the page works under any path a reverse proxy gives it.
"use strict";

const EDUCATION_LEVELS = [
  ["", "Not given"],
  ["less_than_secondary", "Less than secondary (high) school"],
  ["secondary", "Secondary (high) school diploma"],
  ["one_year_post_secondary", "One-year post-secondary program"],
  ["two_year_post_secondary", "Two-year post-secondary program"],
  ["bachelors_or_3yr", "Bachelor's degree, or a program of three years or more"],
  ["two_or_more_one_3yr", "Two or more credentials, one of three years or more"],
  ["masters_or_professional", "Master's degree, or a professional degree to practise a licensed profession"],
  ["doctoral", "Doctoral (PhD)"],
];
const VERDICTS = {eligible: "Eligible", not_eligible: "Not eligible", undetermined: "Undetermined"};
const MARKS = {holds: ["✓", "holds"], fails: ["✗", "fails"], unknown: ["?", "unknown"]};
const PROFILE = "$.profiles[0]";
const MAX_OPTIONS = 8;

let occupations = [];
let counter = 0;

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "text") node.textContent = value;
    else node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}

function fillEducation(select) {
  for (const [value, label] of EDUCATION_LEVELS) select.append(element("option", {value, text: label}));
}

// Entries made from a template: each field gets an id, its label a `for`, and its JSON path -----------------------

function instantiate(templateId, container) {
  const entry = document.getElementById(templateId).content.firstElementChild.cloneNode(true);
  const key = `e${counter++}`;
  entry.dataset.key = key;
  for (const field of entry.querySelectorAll("[data-name]")) {
    if (field.type === "radio") {
      field.name = `${key}-${field.dataset.name}`;
      field.id = `${key}-${field.dataset.name}-${field.value}`;
    } else {
      field.id = `${key}-${field.dataset.name}`;
    }
  }
  for (const label of entry.querySelectorAll("label[data-for]")) label.htmlFor = `${key}-${label.dataset.for}`;
  entry.querySelector(".remove").addEventListener("click", () => {
    entry.remove();
    renumber(container);
    (container.parentElement.querySelector("button.secondary:not(.remove)") || document.body).focus();
  });
  container.append(entry);
  renumber(container);
  return entry;
}

function renumber(container) {
  [...container.children].forEach((entry, index) => {
    entry.querySelector("legend .number").textContent = String(index + 1);
  });
}

function abilityPaths(entry) {
  const kind = entry.querySelector("input[type=radio]:checked");
  if (!kind || !entry.dataset.path) return;
  for (const field of entry.querySelectorAll("[data-ability]")) {
    field.dataset.path = `${entry.dataset.path}.${kind.value}.${field.dataset.ability}`;
  }
}

function addLanguageTest(container) {
  const entry = instantiate("language-test-template", container);
  for (const radio of entry.querySelectorAll("input[type=radio]")) {
    radio.addEventListener("change", () => abilityPaths(entry));
  }
  return entry;
}

function addJob() {
  const entry = instantiate("job-template", document.getElementById("jobs"));
  occupationSearch(entry);
  return entry;
}

// The NOC search: a combobox (WAI-ARIA pattern) over the occupations of the rulebooks' lists ----------------------

function matches(query) {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return [];
  return occupations.filter(o => words.every(w => o.noc.startsWith(w) || o.title.toLowerCase().includes(w)))
    .slice(0, MAX_OPTIONS);
}

function describe(occupation) {
  const lists = occupation.lists.map(l => `${l.title}`).join("; ");
  return `${occupation.noc} ${occupation.title} (TEER ${occupation.teer}) — on the list: ${lists}`;
}

function occupationSearch(entry) {
  const input = entry.querySelector("input[role=combobox]");
  const listbox = entry.querySelector("ul[role=listbox]");
  const chosen = entry.querySelector(".chosen");
  const title = entry.querySelector("[data-key=title]");
  listbox.id = `${input.id}-options`;
  input.setAttribute("aria-controls", listbox.id);
  let active = -1;

  const close = () => {
    listbox.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  };
  const pick = occupation => {
    input.value = occupation.noc;
    if (!title.value) title.value = occupation.title;
    chosen.textContent = describe(occupation);
    close();
  };
  const highlight = index => {
    const options = [...listbox.children];
    options.forEach((option, i) => option.setAttribute("aria-selected", String(i === index)));
    active = index;
    if (index >= 0) input.setAttribute("aria-activedescendant", options[index].id);
  };
  input.addEventListener("input", () => {
    const found = matches(input.value);
    const exact = occupations.find(o => o.noc === input.value.trim());
    chosen.textContent = exact ? describe(exact) : "";
    listbox.replaceChildren(...found.map((occupation, index) => {
      const option = element("li", {role: "option", id: `${input.id}-option-${index}`, "aria-selected": "false",
                                    text: `${occupation.noc} ${occupation.title}`});
      option.addEventListener("mousedown", event => { event.preventDefault(); pick(occupation); });
      return option;
    }));
    const open = found.length > 0 && !(exact && found.length === 1);
    listbox.hidden = !open;
    input.setAttribute("aria-expanded", String(open));
    active = -1;
  });
  input.addEventListener("keydown", event => {
    const found = matches(input.value);
    if (listbox.hidden || !found.length) return;
    if (event.key === "ArrowDown") { event.preventDefault(); highlight((active + 1) % found.length); }
    else if (event.key === "ArrowUp") { event.preventDefault(); highlight((active - 1 + found.length) % found.length); }
    else if (event.key === "Enter" && active >= 0) { event.preventDefault(); pick(found[active]); }
    else if (event.key === "Escape") { event.preventDefault(); close(); }
  });
  input.addEventListener("blur", close);
}

// The profile the form describes ----------------------------------------------------------------------------------

// A number when the text is one; otherwise the text itself, so that the API names the problem beside its field.
function numberOrText(text) {
  const trimmed = text.trim();
  return trimmed !== "" && Number.isFinite(Number(trimmed)) ? Number(trimmed) : trimmed;
}

function value(id) {
  return document.getElementById(id).value.trim();
}

function checked(id) {
  return document.getElementById(id).checked;
}

// Entries left empty are not sent; those sent get the JSON paths of their place in the request, so that a problem
// the API names lands beside the right field.
function sent(container, prefix, isEmpty) {
  const entries = [...container.children].filter(entry => !isEmpty(entry));
  for (const node of container.querySelectorAll("[data-path]")) node.removeAttribute("data-path");
  entries.forEach((entry, index) => {
    entry.dataset.path = `${prefix}[${index}]`;
    for (const field of entry.querySelectorAll("[data-key]")) {
      field.dataset.path = `${prefix}[${index}].${field.dataset.key}`;
    }
    abilityPaths(entry);
  });
  return entries;
}

function text(entry, name) {
  return entry.querySelector(`[data-name=${name}]`).value.trim();
}

const ABILITIES = ["listening", "reading", "writing", "speaking"];

function languageTests(container, prefix) {
  const empty = entry => !text(entry, "date") && ABILITIES.every(ability => !text(entry, ability));
  return sent(container, prefix, empty).map(entry => {
    const kind = entry.querySelector("input[type=radio]:checked").value;
    const result = {test: text(entry, "test")};
    if (text(entry, "date")) result.date = text(entry, "date");
    const abilities = {};
    for (const ability of ABILITIES) {
      if (text(entry, ability)) abilities[ability] = numberOrText(text(entry, ability));
    }
    result[kind] = abilities;
    return result;
  });
}

function jobs() {
  const empty = entry => ["noc", "title", "start", "end"].every(name => !text(entry, name));
  return sent(document.getElementById("jobs"), `${PROFILE}.work_history`, empty).map(entry => {
    const job = {noc: text(entry, "noc"), start: text(entry, "start")};
    if (text(entry, "end")) job.end = text(entry, "end");
    if (text(entry, "title")) job.title = text(entry, "title");
    if (text(entry, "country")) job.country = text(entry, "country");
    if (text(entry, "hours")) job.hours_per_week = numberOrText(text(entry, "hours"));
    job.self_employed = entry.querySelector("[data-name=self-employed]").checked;
    return job;
  });
}

function profile() {
  const result = {id: "my-profile"};
  if (value("date-of-birth")) result.date_of_birth = value("date-of-birth");
  if (value("first-language")) result.first_official_language = value("first-language");
  const tests = languageTests(document.getElementById("language-tests"), `${PROFILE}.language_tests`);
  if (tests.length) result.language_tests = tests;
  if (value("education-level")) {
    result.education = {level: value("education-level"), completed: checked("education-completed"),
                        canadian: checked("education-canadian")};
  }
  const work = jobs();
  if (work.length) result.work_history = work;
  if (checked("has-spouse")) {
    const spouse = {accompanying: checked("spouse-accompanying"), canadian_citizen_or_pr: checked("spouse-citizen")};
    if (value("spouse-education-level")) spouse.education = {level: value("spouse-education-level"), completed: true};
    if (value("spouse-work-years")) spouse.canadian_work_years = numberOrText(value("spouse-work-years"));
    const spouseTests = languageTests(document.getElementById("spouse-language-tests"),
                                      `${PROFILE}.spouse.language_tests`);
    if (spouseTests.length) spouse.language_tests = spouseTests;
    result.spouse = spouse;
  }
  if (checked("has-job-offer")) {
    result.job_offer = {noc: value("job-offer-noc"), basis: value("job-offer-basis")};
  }
  result.provincial_nomination = checked("provincial-nomination");
  result.certificate_of_qualification = checked("certificate");
  result.sibling_in_canada = checked("sibling");
  result.relative_in_canada = checked("relative");
  return result;
}

function request() {
  const body = {profiles: [profile()], explain: "full", why_not: true};
  if (value("year")) body.year = value("year");
  if (value("as-of")) body.as_of = value("as-of");
  return body;
}

// Problems beside their fields --------------------------------------------------------------------------------------

function clearProblems() {
  for (const node of document.querySelectorAll(".field-error")) node.remove();
  for (const node of document.querySelectorAll("[aria-invalid]")) {
    node.removeAttribute("aria-invalid");
    node.removeAttribute("aria-describedby");
  }
  const summary = document.getElementById("error-summary");
  summary.hidden = true;
  summary.querySelector("ul").replaceChildren();
}

// The field whose JSON path is the problem's, or else the nearest enclosing part of the form that has one.
function fieldFor(path) {
  let candidate = path;
  while (candidate) {
    const found = [...document.querySelectorAll("[data-path]")].find(node => node.dataset.path === candidate);
    if (found && !found.closest("[hidden]")) return found;
    const cut = Math.max(candidate.lastIndexOf("."), candidate.lastIndexOf("["));
    candidate = cut > 0 ? candidate.slice(0, cut) : "";
  }
  return null;
}

function showProblems(problems) {
  const summary = document.getElementById("error-summary");
  const list = summary.querySelector("ul");
  for (const problem of problems) {
    const field = fieldFor(problem.path);
    const message = element("p", {class: "field-error", id: `error-${counter++}`, text: problem.message});
    const item = element("li");
    if (field) {
      const label = field.id ? document.querySelector(`label[for="${field.id}"]`) : null;
      const name = label ? label.firstChild.textContent.trim() : problem.path;
      if (field.matches("input, select")) {
        field.setAttribute("aria-invalid", "true");
        field.setAttribute("aria-describedby", message.id);
        field.insertAdjacentElement("afterend", message);
        item.append(element("a", {href: `#${field.id}`, text: `${name}: ${problem.message}`}));
      } else {
        field.prepend(message);
        item.textContent = `${problem.path}: ${problem.message}`;
      }
    } else {
      item.textContent = `${problem.path}: ${problem.message}`;
    }
    list.append(item);
  }
  summary.hidden = false;
  summary.focus();
}

// Results -------------------------------------------------------------------------------------------------------------

// A statement read in several places is written once, in the result's `shared` table, and stands as {ref: key}; what
// it says because of its rule is in the document's `rules` table (by the rule's name: its `rule` up to the arguments),
// and the facts it lists by path are in the result's `facts` table. A statement with neither kind nor rule is a check.
function statementOf(entry, reading) {
  const written = entry.ref === undefined ? entry : reading.shared[entry.ref];
  const name = written.rule === undefined ? "" : written.rule.split("(")[0];
  const rule = Object.hasOwn(reading.rules, name) ? reading.rules[name] : {};
  const statement = {kind: "check", ...rule, ...written};
  if (written.facts) {
    statement.facts = written.facts.map(fact => typeof fact === "string" ? {path: fact, ...reading.facts[fact]} : fact);
  }
  return statement;
}

function explanationNode(entry, reading) {
  const node = statementOf(entry, reading);
  const [mark, outcome] = MARKS[node.outcome] || ["•", ""];
  const line = element("div", {class: `statement ${outcome}`});
  line.append(element("span", {class: "mark", "aria-hidden": "true", text: mark}));
  if (outcome) line.append(element("span", {class: "visually-hidden", text: `${outcome}: `}));
  line.append(element("span", {class: "label", text: node.label}));
  if (node.detail) line.append(element("span", {class: "detail", text: ` — ${node.detail}`}));
  const item = element("li", {}, line);
  const notes = [];
  if (node.facts) {
    for (const fact of node.facts) {
      notes.push(`${fact.path} = ${fact.missing ? "missing" : fact.value}${fact.given ? " (given)" : ""}`);
    }
  }
  if (node.missing) notes.push(`missing facts: ${node.missing.join(", ")}`);
  if (node.cites || node.source) {
    notes.push([node.cites ? `cites ${node.cites.join(", ")}` : "", node.source || ""].filter(Boolean).join("; "));
  }
  for (const note of notes) item.append(element("div", {class: "note", text: note}));
  if (node.children && node.children.length) {
    item.append(element("ul", {}, ...node.children.map(child => explanationNode(child, reading))));
  }
  return item;
}

function verdictBlock(entry, name, reading) {
  const details = element("details", {class: `verdict ${entry.verdict}`, "data-id": entry.id});
  const summary = element("summary");
  summary.append(element("span", {class: "badge", text: VERDICTS[entry.verdict] || entry.verdict}),
                 element("span", {class: "name", text: name}));
  details.append(summary);
  const explanation = statementOf(entry.explanation, reading);
  if (explanation.detail && explanation.kind !== "category") {
    details.append(element("p", {class: "detail", text: explanation.detail}));
  }
  if (entry.confidence && entry.confidence !== "high") {
    details.append(element("p", {class: "third-party",
                                 text: `The category as written: confidence ${entry.confidence.replace("_", "-")}`}));
  }
  if (entry.third_party_sources) {
    const sources = entry.third_party_sources.map(s => s.confidence
      ? `${s.id} (confidence ${s.confidence.replace("_", "-")})` : s.id);
    details.append(element("p", {class: "third-party", text: `Rests on third-party sources: ${sources.join(", ")}`}));
  }
  if (explanation.missing) {
    details.append(element("p", {class: "missing", text: `Missing facts: ${explanation.missing.join(", ")}`}));
  }
  details.append(element("ul", {class: "tree"},
                         ...(explanation.children || []).map(child => explanationNode(child, reading))));
  return details;
}

// The why-not analysis: under a category not met, the smallest changes that would meet it, or why none can;
// under a category met, its rounds; under the CRS, the changes that raise it most.
function suggestionList(suggestions) {
  return element("ul", {class: "suggestions"}, ...suggestions.map(suggestion => {
    const promise = suggestion.promise.category
      ? `${VERDICTS[suggestion.promise.verdict] || suggestion.promise.verdict} from ${suggestion.holds_from}`
      : `+${suggestion.promise.gain} points, ${suggestion.promise.crs} in all, from ${suggestion.holds_from}`;
    const item = element("li", {text: `${suggestion.summary}: ${promise}`});
    if (suggestion.note) item.append(element("div", {class: "note", text: suggestion.note}));
    return item;
  }));
}

function whyNotBlock(advice) {
  const block = element("div", {class: "why-not"});
  if (advice.suggestions.length) {
    block.append(element("h4", {text: "What would change it"}), suggestionList(advice.suggestions));
  }
  if (advice.blockers.length) {
    block.append(element("h4", {text: "Nothing within reach changes it"}),
                 element("ul", {}, ...advice.blockers.map(reason =>
                   element("li", {text: `${reason.description}: ${reason.change}`}))));
  }
  return block;
}

const INVITED = {true: "your score would have been invited", false: "your score would not have been invited"};

function standingBlock(standing) {
  const rounds = standing.rounds.map(round =>
    element("li", {text: `Round ${round.number}, ${round.held}: lowest score invited ` +
                         `${round.lowest_crs ?? "not published"}; ${INVITED[round.invited] || "not known"}`}));
  const block = element("div", {class: "why-not"}, element("h4", {text: "Past rounds of this category"}));
  if (!rounds.length) {
    block.append(element("p", {text: "No round of this category yet."}));
    return block;
  }
  const score = standing.crs === null ? "your score unknown" : `${standing.crs} points`;
  block.append(element("p", {text: `With ${score}: invited in ${standing.invited} of ${rounds.length} rounds.`}),
               element("ul", {}, ...rounds));
  return block;
}

function showResult(result, rules) {
  const reading = {shared: result.shared, facts: result.facts, rules: rules[result.rulebook] || {}};
  document.getElementById("results-context").textContent =
    `Profile evaluated against the ${result.rulebook} rulebook, as of ${result.as_of}.` +
    (result.as_of_note ? ` Note: ${result.as_of_note}.` : "");
  const advice = result.why_not || {categories: [], standing: []};
  document.getElementById("categories").replaceChildren(...result.categories.map(category => {
    const block = verdictBlock(category, category.name, reading);
    const notMet = advice.categories.find(a => a.id === category.id);
    const met = advice.standing.find(s => s.id === category.id);
    if (notMet && (notMet.suggestions.length || notMet.blockers.length)) block.append(whyNotBlock(notMet));
    if (met) block.append(standingBlock(met));
    return block;
  }));
  const programs = result.programs || [];
  document.getElementById("programs-block").hidden = !programs.length;
  document.getElementById("programs").replaceChildren(
    ...programs.map(p => verdictBlock(p, statementOf(p.explanation, reading).label, reading)));
  const crs = result.crs;
  document.getElementById("crs-block").hidden = !crs;
  if (crs) {
    const total = crs.total === null ? "undetermined" : `${crs.total} points`;
    document.getElementById("crs-total").textContent =
      crs.version === "given" ? `${total}, as given in the profile.`
        : crs.lower_bound ? `at least ${total} (computed, version ${crs.version}): ${crs.note}.`
        : `${total} (computed, version ${crs.version}).`;
    const rows = Object.entries(crs.sections).map(([id, section]) => element("tr", {"data-id": id},
      element("th", {scope: "row", text: section.title}),
      element("td", {class: "number", text: section.points === null ? "undetermined" : String(section.points)})));
    document.getElementById("crs-table").hidden = !rows.length;
    document.querySelector("#crs-table tbody").replaceChildren(...rows);
    const whatIfs = advice.crs ? advice.crs.what_ifs : [];
    const raise = document.getElementById("crs-what-ifs");
    raise.replaceChildren(...(whatIfs.length
      ? [element("h4", {text: "What would raise it most"}), suggestionList(whatIfs)] : []));
    document.getElementById("crs-sections").replaceChildren(...Object.entries(crs.sections).map(([id, section]) =>
      verdictBlock({id, verdict: "", explanation: section.explanation},
                   `${section.title}: ${section.points === null ? "undetermined" : section.points + " points"}`,
                   reading)));
  }
  const results = document.getElementById("results");
  results.hidden = false;
  document.getElementById("results-heading").focus();
}

async function submit(event) {
  event.preventDefault();
  clearProblems();
  const status = document.getElementById("status");
  const button = document.getElementById("submit");
  button.disabled = true;
  status.textContent = "Evaluating…";
  try {
    const response = await fetch("v1/eval", {method: "POST", headers: {"Content-Type": "application/json"},
                                             body: JSON.stringify(request())});
    const document_ = await response.json();
    if (response.ok) {
      status.textContent = "Done.";
      showResult(document_.results[0], document_.rules);
    } else {
      status.textContent = document_.detail || `The server answered ${response.status}.`;
      document.getElementById("results").hidden = true;
      showProblems(document_.problems || [{path: "$", message: document_.detail}]);
    }
  } catch (error) {
    status.textContent = `The server could not be reached (${error.message}).`;
  } finally {
    button.disabled = false;
  }
}

// Start ---------------------------------------------------------------------------------------------------------------

function toggle(checkboxId, blockId) {
  const box = document.getElementById(checkboxId);
  const block = document.getElementById(blockId);
  const sync = () => { block.hidden = !box.checked; };
  box.addEventListener("change", sync);
  sync();
}

async function start() {
  fillEducation(document.getElementById("education-level"));
  fillEducation(document.getElementById("spouse-education-level"));
  toggle("has-spouse", "spouse");
  toggle("has-job-offer", "job-offer");
  document.getElementById("add-language-test").addEventListener("click", () =>
    addLanguageTest(document.getElementById("language-tests")).querySelector("select").focus());
  document.getElementById("add-spouse-language-test").addEventListener("click", () =>
    addLanguageTest(document.getElementById("spouse-language-tests")).querySelector("select").focus());
  document.getElementById("add-job").addEventListener("click", () => addJob().querySelector("input").focus());
  document.getElementById("profile-form").addEventListener("submit", submit);
  addLanguageTest(document.getElementById("language-tests"));
  addJob();
  const [rulebooks, listed] = await Promise.all([
    fetch("v1/rulebooks").then(r => r.json()), fetch("v1/occupations").then(r => r.json())]);
  const year = document.getElementById("year");
  year.append(element("option", {value: "", text: "The rulebook in force on that day"}));
  for (const rulebook of rulebooks.rulebooks) {
    year.append(element("option", {value: rulebook.rulebook, text: `${rulebook.rulebook}: ${rulebook.title}`}));
  }
  year.value = "";
  occupations = listed.occupations;
  document.body.dataset.ready = "true";
}

start();
