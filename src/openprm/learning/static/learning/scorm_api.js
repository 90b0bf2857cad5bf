// The SCORM 1.2 runtime for the course player: window.API, found by the package
// (framed below this page) walking up its parents. Values live in this page;
// LMSCommit and LMSFinish send what the LMS keeps (lesson status, score, session
// time, location, suspend data) to the learner's own attempt, synchronously, as
// SCORM 1.2 content expects an answer before it goes on.
(function () {
  "use strict";
  var player = document.getElementById("scorm-player");
  if (!player) return;

  var ERRORS = {
    "0": "No error",
    "101": "General exception",
    "201": "Invalid argument error",
    "202": "Element cannot have children",
    "203": "Element not an array - cannot have count",
    "301": "Not initialized",
    "401": "Not implemented error",
    "402": "Invalid set value, element is a keyword",
    "403": "Element is read only",
    "404": "Element is write only",
    "405": "Incorrect data type"
  };
  var READ_ONLY = {
    "cmi.core.student_id": 1, "cmi.core.student_name": 1, "cmi.core.credit": 1,
    "cmi.core.entry": 1, "cmi.core.total_time": 1, "cmi.core.lesson_mode": 1,
    "cmi.launch_data": 1, "cmi.core._children": 1, "cmi.core.score._children": 1,
    "cmi._children": 1
  };
  var WRITE_ONLY = { "cmi.core.session_time": 1, "cmi.core.exit": 1 };
  var KEYWORDS = { "cmi._children": 1, "cmi.core._children": 1, "cmi.core.score._children": 1 };
  var STATUSES = ["passed", "completed", "failed", "incomplete", "browsed"];
  var TIMESPAN = /^\d{2,4}:\d{2}:\d{2}(\.\d{1,2})?$/;
  var DECIMAL = /^-?\d{0,3}(\.\d{1,2})?$/;
  // What the LMS keeps; the rest lives for the session only.
  var SENT = [
    "cmi.core.lesson_status", "cmi.core.score.raw", "cmi.core.session_time",
    "cmi.core.lesson_location", "cmi.suspend_data"
  ];

  var values = JSON.parse(player.dataset.initial || "{}");
  values["cmi.core.credit"] = "credit";
  values["cmi.core.lesson_mode"] = "normal";
  values["cmi.launch_data"] = "";
  values["cmi.core.score.min"] = values["cmi.core.score.min"] || "";
  values["cmi.core.score.max"] = values["cmi.core.score.max"] || "";
  values["cmi._children"] = "core,suspend_data,launch_data,comments";
  values["cmi.core._children"] =
    "student_id,student_name,lesson_location,credit,lesson_status,entry,score,total_time,lesson_mode,exit,session_time";
  values["cmi.core.score._children"] = "raw,min,max";
  var KNOWN = {};
  Object.keys(values).concat(["cmi.core.session_time", "cmi.core.exit", "cmi.comments"])
    .forEach(function (name) { KNOWN[name] = 1; });

  var state = { initialized: false, finished: false, error: "0", diagnostic: "", dirty: {} };
  var statusLabel = document.getElementById("scorm-status");

  function fail(code, diagnostic) {
    state.error = code;
    state.diagnostic = diagnostic || ERRORS[code] || "";
    return code === "0";
  }

  function send() {
    var body = {};
    var any = false;
    SENT.forEach(function (name) {
      if (state.dirty[name]) { body[name] = values[name]; any = true; }
    });
    if (!any) return true;
    var request = new XMLHttpRequest();
    request.open("POST", player.dataset.commit, false);
    request.setRequestHeader("Content-Type", "application/json");
    request.setRequestHeader("X-CSRFToken", player.dataset.csrf);
    try {
      request.send(JSON.stringify(body));
    } catch (error) {
      fail("101", "The LMS could not be reached.");
      return false;
    }
    if (request.status !== 200) {
      var detail = "";
      try { detail = JSON.parse(request.responseText).error || ""; } catch (e) { detail = ""; }
      fail("101", detail || "The LMS refused the data (" + request.status + ").");
      return false;
    }
    state.dirty = {};
    // A session time is sent once: the LMS adds it to the total.
    delete values["cmi.core.session_time"];
    var answer = JSON.parse(request.responseText);
    if (statusLabel) statusLabel.textContent = answer.lesson_status;
    player.dataset.status = answer.lesson_status;
    return true;
  }

  window.API = {
    LMSInitialize: function (parameter) {
      if (parameter !== "" && parameter !== undefined) { fail("201"); return "false"; }
      if (state.initialized) { fail("101", "Already initialized."); return "false"; }
      state.initialized = true;
      state.finished = false;
      fail("0");
      return "true";
    },
    LMSFinish: function (parameter) {
      if (parameter !== "" && parameter !== undefined) { fail("201"); return "false"; }
      if (!state.initialized) { fail("301"); return "false"; }
      var sent = send();
      state.initialized = false;
      state.finished = true;
      if (sent) fail("0");
      return sent ? "true" : "false";
    },
    LMSGetValue: function (name) {
      if (!state.initialized) { fail("301"); return ""; }
      if (!KNOWN[name]) { fail(name && name.indexOf("cmi.") === 0 ? "401" : "201"); return ""; }
      if (WRITE_ONLY[name]) { fail("404"); return ""; }
      fail("0");
      var value = values[name];
      return value === undefined || value === null ? "" : String(value);
    },
    LMSSetValue: function (name, value) {
      if (!state.initialized) { fail("301"); return "false"; }
      value = String(value);
      if (KEYWORDS[name]) { fail("402"); return "false"; }
      if (!KNOWN[name]) { fail(name && name.indexOf("cmi.") === 0 ? "401" : "201"); return "false"; }
      if (READ_ONLY[name]) { fail("403"); return "false"; }
      if (name === "cmi.core.lesson_status" && STATUSES.indexOf(value) < 0) { fail("405"); return "false"; }
      if (name === "cmi.core.session_time" && !TIMESPAN.test(value)) { fail("405"); return "false"; }
      if (/^cmi\.core\.score\.(raw|min|max)$/.test(name) && value !== "" &&
          (!DECIMAL.test(value) || Number(value) < 0 || Number(value) > 100)) {
        fail("405"); return "false";
      }
      if (name === "cmi.suspend_data" && value.length > 4096) { fail("405"); return "false"; }
      if (name === "cmi.core.lesson_location" && value.length > 255) { fail("405"); return "false"; }
      values[name] = value;
      state.dirty[name] = true;
      fail("0");
      return "true";
    },
    LMSCommit: function (parameter) {
      if (parameter !== "" && parameter !== undefined) { fail("201"); return "false"; }
      if (!state.initialized) { fail("301"); return "false"; }
      var sent = send();
      if (sent) fail("0");
      return sent ? "true" : "false";
    },
    LMSGetLastError: function () { return state.error; },
    LMSGetErrorString: function (code) { return ERRORS[String(code)] || ""; },
    LMSGetDiagnostic: function (code) {
      if (code === undefined || code === "" || String(code) === state.error) return state.diagnostic;
      return ERRORS[String(code)] || "";
    }
  };

  // A package left without finishing still reports what it set.
  window.addEventListener("pagehide", function () {
    if (state.initialized) send();
  });

  // The package starts once the API is in place.
  player.querySelector("iframe").src = player.dataset.launch;
})();
