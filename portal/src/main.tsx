// Entry of the bundle: one API client for the page's life, then the app.
import { createRoot } from "react-dom/client";
import { PortalApi } from "./api.js";
import { App } from "./components/App.js";

createRoot(document.getElementById("root")!).render(<App api={new PortalApi()} />);
