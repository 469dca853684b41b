import type { CsatRating } from "../../../shared/contracts/surveys";
import { escapeHtml } from "../../platform/html";
import { type Brand, renderPublicPage } from "../knowledge/public-page";

const page = (brand: Brand, title: string, body: string): string =>
  renderPublicPage({ brand, title, body, home: "/help" });

/**
 * The page a survey link opens. Mail scanners follow links, so opening it records nothing: only submitting the
 * form does, with the rating from the link preselected.
 */
export const csatConfirmPage = (
  brand: Brand,
  token: string,
  survey: { caseNumber: number; subject: string },
  preselected: CsatRating | null,
): string => {
  const option = (value: CsatRating, label: string) =>
    `<label><input type="radio" name="rating" value="${value}" required${preselected === value ? " checked" : ""}> ${label}</label>`;
  return page(
    brand,
    "How did we do?",
    `<div class="card">
<h1>How did we do?</h1>
<p class="muted">About case #${survey.caseNumber}: ${escapeHtml(survey.subject)}</p>
<form method="post" action="/surveys/csat/${encodeURIComponent(token)}">
<fieldset><legend>Your rating</legend><div class="choices">${option("good", "Good, I'm satisfied")}${option("bad", "Bad, I'm not satisfied")}</div></fieldset>
<p><label for="comment">Anything you would like to add? (optional)</label><br>
<textarea id="comment" name="comment" rows="4" maxlength="4000"></textarea></p>
<button type="submit">Send my answer</button>
</form>
</div>`,
  );
};

export const npsConfirmPage = (brand: Brand, token: string, preselected: number | null): string => {
  const options = Array.from({ length: 11 }, (_, n) => {
    const checked = preselected === n ? " checked" : "";
    return `<label><input type="radio" name="score" value="${n}" required${checked}> ${n}</label>`;
  }).join("");
  return page(
    brand,
    "Would you recommend us?",
    `<div class="card">
<h1>How likely are you to recommend ${escapeHtml(brand.companyName)} to a friend or colleague?</h1>
<form method="post" action="/surveys/nps/${encodeURIComponent(token)}">
<fieldset><legend>0 is not at all likely, 10 is extremely likely</legend><div class="choices">${options}</div></fieldset>
<p><label for="comment">What is the main reason for your score? (optional)</label><br>
<textarea id="comment" name="comment" rows="4" maxlength="4000"></textarea></p>
<button type="submit">Send my answer</button>
</form>
</div>`,
  );
};

export const thanksPage = (brand: Brand, already: boolean): string =>
  page(
    brand,
    "Thank you",
    `<div class="card"><h1>Thank you</h1><p>${
      already ? "We already have your answer to this survey; thank you for it." : "Your answer has been recorded."
    }</p><p><a href="/help">Visit our help center</a></p></div>`,
  );

export const invalidSurveyPage = (brand: Brand): string =>
  page(
    brand,
    "Survey not found",
    `<div class="card"><h1>Survey not found</h1><p>This survey link is not valid. If you copied it from an email, make sure you copied all of it.</p></div>`,
  );
