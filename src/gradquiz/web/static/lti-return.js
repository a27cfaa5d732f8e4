// Deep linking: send the signed choice back to the LMS at once (the button does it without
// JavaScript).
document.getElementById("lti-deep-link-return")?.submit();
