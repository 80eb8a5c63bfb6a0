/** The Room's `appState` (docs/protocol.md §9.1 [DOC]; names as pyVideoSDK gives them). */
export enum AppState {
  /** not connected to a TrueConf Server */
  None = 0,
  /** connecting to the server */
  Connect = 1,
  /** connected, login needed */
  Login = 2,
  /** logged in, idle */
  Normal = 3,
  /** calling or being called */
  Wait = 4,
  /** in a call or conference */
  Conference = 5,
  /** ending the conference */
  Close = 6,
}
