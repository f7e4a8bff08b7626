/* Masthead search: progressive enhancement only; every link and form works without it.
   - "/" focuses the search box, Escape clears it;
   - on the search page, the form, facets, filter chips, sort and pages load the results fragment
     (?...&partial=1) in place, and history.pushState keeps Back and Forward working. */
(function () {
  "use strict";

  function typing(el) {
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }

  function searchBox() {
    return document.getElementById("q") || document.getElementById("site-q");
  }

  document.addEventListener("keydown", function (e) {
    if (e.key === "/" && !e.ctrlKey && !e.metaKey && !e.altKey && !typing(e.target)) {
      var box = searchBox();
      if (box) {
        e.preventDefault();
        box.focus();
        box.select();
      }
    } else if (e.key === "Escape" && e.target && e.target.hasAttribute && e.target.hasAttribute("data-search-box")) {
      e.target.value = "";
    }
  });

  var results = document.getElementById("search-results");
  if (!results || !window.fetch || !window.history || !window.URL) {
    return;
  }

  var pending = null;
  var baseTitle = document.title.slice(Math.max(0, document.title.indexOf("Search — ")));

  function load(url, push) {
    var target = new URL(url, window.location.href);
    var fragment = new URL(target.href);
    fragment.searchParams.set("partial", "1");
    if (pending) {
      pending.abort();
    }
    pending = window.AbortController ? new AbortController() : null;
    results.setAttribute("aria-busy", "true");
    fetch(fragment.href, { headers: { Accept: "text/html" }, signal: pending ? pending.signal : undefined })
      .then(function (r) {
        return r.text();
      })
      .then(function (text) {
        results.innerHTML = text;
        results.removeAttribute("aria-busy");
        if (push) {
          window.history.pushState({ masthead: "search" }, "", target.pathname + target.search);
        }
        var q = target.searchParams.get("q") || "";
        var box = document.getElementById("q");
        if (box && document.activeElement !== box) {
          box.value = q;
        }
        syncHidden(target);
        document.title = (q ? q + " — " : "") + baseTitle;
      })
      .catch(function (err) {
        if (err && err.name === "AbortError") {
          return;
        }
        window.location.href = target.href; // fall back to an ordinary page load
      });
  }

  // The main form keeps the active filters and sort as hidden fields: mirror the address into them.
  function syncHidden(target) {
    var form = document.querySelector("form.search-form");
    if (!form) {
      return;
    }
    Array.prototype.forEach.call(form.querySelectorAll("input[type=hidden]"), function (el) {
      el.parentNode.removeChild(el);
    });
    var row = form.querySelector(".search-row") || form;
    target.searchParams.forEach(function (value, key) {
      if (key === "q" || key === "page" || key === "partial") {
        return;
      }
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = key;
      input.value = value;
      row.appendChild(input);
    });
  }

  function formUrl(form) {
    var params = new URLSearchParams();
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name && !el.disabled && (el.type !== "checkbox" || el.checked)) {
        params.append(el.name, el.value);
      }
    });
    return (form.getAttribute("action") || "/search") + "?" + params.toString();
  }

  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (form.matches("form.search-form, #search-results form.sort-form")) {
      e.preventDefault();
      load(formUrl(form), true);
    }
  });

  results.addEventListener("change", function (e) {
    if (e.target.hasAttribute("data-autosubmit") && e.target.form) {
      load(formUrl(e.target.form), true);
    }
  });

  results.addEventListener("click", function (e) {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) {
      return;
    }
    var link = e.target.closest ? e.target.closest("a[data-search-link]") : null;
    if (link) {
      e.preventDefault();
      load(link.href, true);
    }
  });

  window.addEventListener("popstate", function () {
    load(window.location.href, false);
  });
})();
