package app

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// exercise is the lesson's predictions and challenge.
func (p *Playground) exercise() app.UI {
	return nil
}
