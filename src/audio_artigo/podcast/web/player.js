// index.html's behaviour: chapters and transcript lines seek the player,
// the current chapter and line are highlighted, and the transcript is read
// from the episode's WebVTT file (through the audio element's <track>) the
// first time it is opened: one paragraph per turn, a quoted speaker's turn
// opening with their name (the cue's voice, <v Chen Jie>).
"use strict";

const dateFormat = new Intl.DateTimeFormat("pt-BR", { dateStyle: "long" });

// The last of `items` (each with data-start) whose start is not after `seconds`.
function markCurrent(items, seconds) {
  let current = null;
  for (const item of items) {
    if (Number(item.dataset.start) <= seconds) current = item;
  }
  for (const item of items) {
    if (item === current) item.setAttribute("aria-current", "true");
    else item.removeAttribute("aria-current");
  }
}

// Who speaks a cue: WebVTT's <v Name> becomes a span titled with the name.
function voiceOf(fragment) {
  const span = fragment.querySelector("span[title]");
  return span ? span.title : "";
}

function showTranscript(audio, box) {
  const trackElement = audio.querySelector("track");
  if (!trackElement || box.childElementCount > 0) return;
  const narrator = box.dataset.narrator;
  const render = () => {
    let turn = null;
    for (const cue of trackElement.track.cues) {
      const fragment = cue.getCueAsHTML();
      const voice = voiceOf(fragment);
      if (turn === null || turn.dataset.voice !== voice) {
        turn = document.createElement("p");
        turn.className = "turn";
        turn.dataset.voice = voice;
        if (voice && voice !== narrator) {
          const name = document.createElement("span");
          name.className = "speaker";
          name.textContent = voice + ":";
          turn.append(name, " ");
        }
        box.append(turn);
      }
      const line = document.createElement("span");
      line.className = "cue";
      line.dataset.start = cue.startTime;
      line.textContent = fragment.textContent + " ";
      turn.append(line);
    }
  };
  trackElement.track.mode = "hidden"; // loads the cues without drawing them
  if (trackElement.readyState === HTMLTrackElement.LOADED) render();
  else trackElement.addEventListener("load", render, { once: true });
}

for (const episode of document.querySelectorAll(".episode")) {
  const audio = episode.querySelector("audio");
  const transcript = episode.querySelector(".transcript");
  const cueBox = transcript.querySelector(".cues");
  const cues = cueBox.getElementsByClassName("cue");
  const chapterButtons = [...episode.querySelectorAll(".chapters [data-start]")];

  episode.addEventListener("click", (event) => {
    const target = event.target.closest("[data-start]");
    if (!target) return;
    audio.currentTime = Number(target.dataset.start);
    audio.play().catch(() => {}); // a browser may refuse to play; the seek stands
  });
  audio.addEventListener("timeupdate", () => {
    markCurrent(chapterButtons, audio.currentTime);
    markCurrent(cues, audio.currentTime);
  });
  transcript.addEventListener("toggle", () => {
    if (transcript.open) showTranscript(audio, cueBox);
  });

  const time = episode.querySelector("time[datetime]");
  if (time) time.textContent = dateFormat.format(new Date(time.getAttribute("datetime")));
}
