/**
 * The validator's web dashboard page (spec crusades.md §J.4), served beside the API (§J.2).
 * @module
 */
export { DASHBOARD_PATHS, dashboardContentSecurityPolicy, dashboardHtml, serveDashboard, type DashboardPageOptions } from "./dashboard-page.js";
